/** Writing export files whole or not at all. */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `data` to `file` through a temporary file in the same folder and a rename, so a reader (or a
 * LaTeX build watching the folder) never sees a half-written figure, and a failure leaves any older
 * file untouched.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) throw new Error(`cannot write ${file}: folder ${dir} does not exist`);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const fd = fs.openSync(temp, 'w');
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * Writes a folder of files whole or not at all: into a temporary sibling folder, then one rename.
 * `folder` must not exist yet, or be empty (it is replaced).
 */
export function writeFolderAtomic(folder: string, files: { path: string; bytes: Uint8Array }[]): void {
  const parent = path.dirname(folder);
  if (!fs.existsSync(parent)) throw new Error(`cannot write ${folder}: folder ${parent} does not exist`);
  if (fs.existsSync(folder) && (!fs.statSync(folder).isDirectory() || fs.readdirSync(folder).length > 0)) {
    throw new Error(`cannot write ${folder}: it exists and is not an empty folder`);
  }
  const temp = path.join(parent, `.${path.basename(folder)}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(temp);
    for (const file of files) {
      const target = path.join(temp, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.bytes);
    }
    if (fs.existsSync(folder)) fs.rmdirSync(folder);
    fs.renameSync(temp, folder);
  } catch (err) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}
