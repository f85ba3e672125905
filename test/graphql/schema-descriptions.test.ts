// The schema documents itself: every named type (introspection's own aside), each of its fields and their
// arguments, each input field and each enum value has a non-empty description, so GraphiQL and
// generated clients explain every element. The test walks the built schema, so new elements are covered.
import {
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';

interface Element {
  coordinate: string;
  description: string | null | undefined;
}

/** Every documentable element of the schema, by its schema coordinate (`Type.field(arg:)`). */
function schemaElements(walked: GraphQLSchema): Element[] {
  const elements: Element[] = [];
  for (const type of Object.values(walked.getTypeMap())) {
    // GraphQL's own types (__Schema, Int, String, …) are described by the specification.
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    elements.push({ coordinate: type.name, description: type.description });
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        elements.push({ coordinate: `${type.name}.${field.name}`, description: field.description });
        for (const arg of field.args)
          elements.push({ coordinate: `${type.name}.${field.name}(${arg.name}:)`, description: arg.description });
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        elements.push({ coordinate: `${type.name}.${field.name}`, description: field.description });
    }
    if (isEnumType(type)) {
      for (const value of type.getValues())
        elements.push({ coordinate: `${type.name}.${value.name}`, description: value.description });
    }
  }
  return elements;
}

describe('schema descriptions', () => {
  const elements = schemaElements(schema);

  it('walks every kind of element: types, fields, arguments, input fields and enum values', () => {
    const coordinates = new Set(elements.map((element) => element.coordinate));
    expect(elements.length).toBeGreaterThan(300);
    for (const coordinate of ['Query', 'Query.cacheStats(topGenres:)', 'ClearCacheInput.tables', 'JobStatus.QUEUED'])
      expect(coordinates).toContain(coordinate);
  });

  // The list of undescribed elements is printed so a failure says what to describe.
  it('describes every type, field, argument, input field and enum value', () => {
    const missing = elements
      .filter((element) => (element.description ?? '').trim() === '')
      .map((element) => element.coordinate);
    if (missing.length > 0)
      console.log(
        `${missing.length} of ${elements.length} schema elements have no description:\n${missing.join('\n')}`,
      );
    expect(missing).toEqual([]);
  });
});
