/** The cliplab version, stored with every run and printed by `cliplab --version`. */
import pkg from '../../package.json' with { type: 'json' };

export const APP_VERSION: string = pkg.version;
