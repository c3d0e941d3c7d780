/** The running build's version, reported by /health. A unit test keeps it equal to package.json's. */
export const APP_VERSION = '0.1.0';
