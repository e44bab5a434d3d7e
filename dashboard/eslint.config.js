// Lint rules: typescript-eslint's strict set, the React hooks rules, and the feature boundaries.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // openapi.gen.ts is written by openapi-typescript (make api-client), not by people.
  { ignores: ["dist", "node_modules", "src/types/openapi.gen.ts"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
    },
  },
  {
    // A feature uses shared code (components, lib, config, types) and its own files, never another
    // feature or the app shell; only src/app composes features.
    files: ["src/features/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/features/*", "../../*"], message: "Features must not import other features." },
            { group: ["@/app/*"], message: "Features must not import the app shell." },
          ],
        },
      ],
    },
  },
);
