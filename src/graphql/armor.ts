// Bounds on what one operation may ask for (graphql-armor): depth, aliases, static cost, tokens and
// directives. Introspection is exempt, so GraphiQL keeps working. The limits leave room for every
// query the schema was built for (an artist's albums' tracks' audio features is depth 7 in a connection).
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';

const QUERY_LIMITS = {
  maxDepth: 10,
  maxAliases: 20,
  maxCost: 20_000,
  maxTokens: 2000,
  maxDirectives: 20,
} as const;

export function armorPlugin(): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true },
    maxTokens: { n: QUERY_LIMITS.maxTokens },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // Field suggestions help in GraphiQL and reveal nothing introspection does not.
    blockFieldSuggestion: { enabled: false },
  });
}
