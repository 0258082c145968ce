console.log('shell');
