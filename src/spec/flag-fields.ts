// Build args inside a flag list that go splits itself (`-ldflags`): each substituted value stays one field.

/**
 * Splits like Go's cmd/internal/quoted.Split: fields separated by white space, a field may be
 * wrapped in single or double quotes (no escapes). Undefined for an unterminated quote.
 */
export function splitQuoted(text: string): string[] | undefined {
  const fields: string[] = [];
  let rest = text;
  for (;;) {
    rest = rest.replace(/^[ \t\n\r]+/, "");
    if (rest === "") return fields;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      const end = rest.indexOf(quote, 1);
      if (end < 0) return undefined;
      fields.push(rest.slice(1, end));
      rest = rest.slice(end + 1);
      continue;
    }
    const space = rest.search(/[ \t\n\r]/);
    const end = space < 0 ? rest.length : space;
    fields.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
}

/**
 * Joins like Go's quoted.Join, so that splitQuoted (and go) gives `fields` back: a field with
 * white space or a quote is wrapped in the quote it does not contain, an empty field is `''`.
 * Undefined when a field holds both quotes and white space or the other quote (go cannot read it back).
 */
export function joinQuoted(fields: readonly string[]): string | undefined {
  const out: string[] = [];
  for (const field of fields) {
    const space = /[ \t\n\r]/.test(field);
    const single = field.includes("'");
    const double = field.includes('"');
    if (field === "") out.push("''");
    else if (!space && !single && !double) out.push(field);
    else if (!single) out.push(`'${field}'`);
    else if (!double) out.push(`"${field}"`);
    else return undefined;
  }
  return out.join(" ");
}

/**
 * Substitutes into each field of a flag list separately and quotes what the values made of it, so
 * `-X main.version=${VERSION}` with `VERSION='1.0 -X main.admin=true'` stays one `-X` value instead
 * of becoming two. `substitute` does the substitution of one field. Undefined when the template has
 * an unterminated quote or a value cannot be quoted for go.
 */
export function substituteFields(template: string, substitute: (field: string) => string): string | undefined {
  const fields = splitQuoted(template);
  if (fields === undefined) return undefined;
  return joinQuoted(fields.map(substitute));
}
