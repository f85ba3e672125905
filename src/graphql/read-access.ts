// Queries and subscriptions are open unless READ_TOKEN is set. This plugin refuses them before they run
// when the request's token does not allow reading. Mutations pass: each refuses itself with a NOT_ALLOWED
// error that says why (src/graphql/guards.ts). Introspection alone is always answered, so GraphiQL can load the schema.
import { getOperationAST, GraphQLError, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from './context.ts';

function onlyIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === 'Field' && selection.name.value.startsWith('__'),
  );
}

function refusal(
  document: DocumentNode,
  operationName: string | null | undefined,
  context: GraphQLContext,
): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation === 'mutation' || context.auth.read.allowed || onlyIntrospection(operation))
    return undefined;
  const access = context.auth.read;
  const quota = access.reason === 'quota';
  return new GraphQLError(access.message, {
    extensions: {
      code: 'NOT_ALLOWED',
      reason: access.reason.toUpperCase().replace('-', '_'),
      ...(access.retryAfterSeconds !== undefined && { retryAfterSeconds: access.retryAfterSeconds }),
      http: quota
        ? { status: 429, headers: { 'retry-after': String(access.retryAfterSeconds ?? 60) } }
        : { status: 401 },
    },
  });
}

export function readAccessPlugin(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusal(args.document, args.operationName, args.contextValue);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusal(args.document, args.operationName, args.contextValue);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
