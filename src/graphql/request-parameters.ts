// yoga reads `variables` and `extensions` of a GET query string (and of a urlencoded POST body) with a
// bare JSON.parse: a value that is not JSON escapes as a SyntaxError, which masking turns into a 500
// "Unexpected error". Here it is what it is: the client's bad request, answered 400 with INVALID_INPUT.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The largest request body yoga reads (a query is at most a few thousand tokens; variables are small). */
export const MAX_REQUEST_BODY_BYTES = 1_000_000;

export function requestParametersPlugin(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (requestParser === undefined) return;
      const parse = requestParser;
      setRequestParser(async (request) => {
        try {
          return await parse(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw new GraphQLError(`The request's variables or extensions are not valid JSON: ${error.message}`, {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        }
      });
    },
  };
}
