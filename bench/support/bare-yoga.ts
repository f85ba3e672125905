// The baseline server of the HTTP benchmarks: graphql-yoga's hello-world on node:http, as its docs show
// it. Run: node --import tsx bench/support/bare-yoga.ts PORT
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
  logging: false,
});
createServer(yoga).listen(Number(process.argv[2]), '127.0.0.1');
