/** The platform version the code is; the bootloader stamps it in the database and refuses downgrades. Keep equal to the root package.json version. */
export const TRIBUTARY_VERSION = '0.1.0';
