import { defineConfig } from "vitest/config";

// Server tests run on PGlite, and again on PostgreSQL when TEST_DATABASE_URL is set.
// Client component tests run in jsdom; end-to-end browser tests in their own project.
const serverTests = ["test/api/**/*.test.ts", "test/domain/**/*.test.ts", "test/federation/**/*.test.ts", "test/realtime/**/*.test.ts", "test/unit/**/*.test.ts", "test/durability/**/*.test.ts"];

const projects = [
  {
    test: {
      name: "pglite",
      include: serverTests,
      environment: "node",
      env: { PARVIS_TEST_DB: "pglite" },
      testTimeout: 60_000,
      hookTimeout: 180_000,
    },
  },
  ...(process.env.TEST_DATABASE_URL
    ? [
        {
          test: {
            name: "postgres",
            include: serverTests,
            environment: "node",
            env: { PARVIS_TEST_DB: "postgres" },
            testTimeout: 60_000,
            hookTimeout: 180_000,
          },
        },
      ]
    : []),
  {
    test: {
      name: "client",
      include: ["client/src/**/*.test.{ts,tsx}"],
      environment: "jsdom",
    },
  },
  ...(process.env.PARVIS_SKIP_E2E === "true"
    ? []
    : [
        {
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.test.ts"],
            environment: "node",
            testTimeout: 120_000,
            hookTimeout: 180_000,
            fileParallelism: false,
          },
        },
      ]),
];

export default defineConfig({
  test: {
    globalSetup: ["test/helpers/server-bundle-setup.ts"],
    projects,
    pool: "forks",
    maxWorkers: 2,
  },
});
