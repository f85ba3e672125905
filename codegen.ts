// `npm run codegen`: writes schema.graphql (committed; CI fails when it is stale) from the Pothos
// schema, and typed documents for the operations that tests and examples use.
import { printSchema } from 'graphql';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { schema } from './src/graphql/schema.ts';

const config: CodegenConfig = {
  schema: printSchema(schema),
  documents: ['examples/**/*.graphql', 'test/operations/**/*.graphql'],
  ignoreNoDocuments: true,
  generates: {
    'schema.graphql': { plugins: ['schema-ast'], config: { includeDirectives: true } },
    'src/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string', JobKind: 'string' },
      },
    },
  },
};

export default config;
