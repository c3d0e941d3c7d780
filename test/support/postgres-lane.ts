// setupFiles of jest.config.json's `postgres` project: the e2e suite again, on the local PostgreSQL
// (see E2E_ON_POSTGRES in test-app.ts).
process.env.E2E_DATABASE = 'postgres';
