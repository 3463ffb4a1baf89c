import { LabError } from '../../../common/errors';
import type { GraphProblem } from '../../../common/graph/problems';

/** A diagnostic in the graph's JSON text, in 1-based lines and columns (Monaco's convention). */
export interface TextMarker {
  severity: 'error' | 'warning';
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** 1-based line and column of a character offset. */
function positionAt(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  const before = text.slice(0, clamped);
  const line = before.split('\n').length;
  const column = clamped - before.lastIndexOf('\n');
  return { line, column };
}

function lineMarker(text: string, line: number, severity: TextMarker['severity'], message: string): TextMarker {
  const lineText = text.split('\n')[line - 1] ?? '';
  const indent = lineText.length - lineText.trimStart().length;
  return { severity, message, startLineNumber: line, startColumn: indent + 1, endLineNumber: line, endColumn: Math.max(lineText.length + 1, indent + 2) };
}

/**
 * Where a JSON.parse error happened. V8 says either "at position N" or
 * "(line L column C)"; anything else marks the first line.
 */
export function jsonSyntaxMarker(text: string, message: string): TextMarker {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  let line = 1;
  let column = 1;
  if (lineColumn?.[1] && lineColumn[2]) {
    line = Number(lineColumn[1]);
    column = Number(lineColumn[2]);
  } else {
    const position = /position (\d+)/.exec(message);
    if (position?.[1]) ({ line, column } = positionAt(text, Number(position[1])));
  }
  return { severity: 'error', message, startLineNumber: line, startColumn: column, endLineNumber: line, endColumn: column + 1 };
}

/** Offset of the object in `collection` whose `"id"` is `id`, or -1. */
function idOffset(text: string, collection: 'nodes' | 'edges', id: string): number {
  const start = text.indexOf(`"${collection}"`);
  if (start < 0) return -1;
  return text.indexOf(`"id": ${JSON.stringify(id)}`, start);
}

/** Offset of the index-th object of a top-level array such as `nodes`, or -1. */
function elementOffset(text: string, collection: string, index: number): number {
  const start = text.indexOf(`"${collection}"`);
  if (start < 0) return -1;
  let depth = 0;
  let count = -1;
  let inString = false;
  for (let i = text.indexOf('[', start) + 1; i > 0 && i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth === 0) {
        count += 1;
        if (count === index) return i;
      }
      depth += 1;
    } else if (char === '}' || char === ']') {
      if (depth === 0) return -1;
      depth -= 1;
    }
  }
  return -1;
}

/** The line of a field inside the object that starts at `objectOffset`, or the object's first line. */
function fieldLine(text: string, objectOffset: number, field: string | undefined): number {
  const objectLine = positionAt(text, objectOffset).line;
  if (!field) return objectLine;
  const key = field.split('.').pop() ?? field;
  const found = text.indexOf(`"${key}"`, objectOffset);
  const nextObject = text.indexOf('\n    }', objectOffset);
  return found >= 0 && (nextObject < 0 || found < nextObject) ? positionAt(text, found).line : objectLine;
}

/** Markers for a `GRAPH_PARSE` error: one per schema issue, on the node or field it names. */
export function parseErrorMarkers(text: string, error: unknown): TextMarker[] {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof LabError) || !Array.isArray(error.details?.['issues'])) {
    if (message.includes('not valid JSON')) return [jsonSyntaxMarker(text, message)];
    return [lineMarker(text, 1, 'error', message)];
  }
  const issues = error.details['issues'] as { message: string; nodeId?: string; field?: string }[];
  return issues.map((issue) => {
    const nodeOffset = issue.nodeId ? idOffset(text, 'nodes', issue.nodeId) : -1;
    const indexMatch = /^(nodes|edges)\.(\d+)/.exec(issue.field ?? '');
    const offset = nodeOffset >= 0 ? nodeOffset : -1;
    if (offset >= 0) return lineMarker(text, fieldLine(text, offset, issue.field), 'error', issue.message);
    if (indexMatch?.[1] && indexMatch[2]) {
      const element = elementOffset(text, indexMatch[1], Number(indexMatch[2]));
      if (element >= 0) return lineMarker(text, positionAt(text, element).line, 'error', issue.message);
    }
    return lineMarker(text, 1, 'error', issue.message);
  });
}

/** Markers for analysis problems, on the node's (or edge's) `id` line or the named field's line. */
export function problemMarkers(text: string, problems: readonly GraphProblem[]): TextMarker[] {
  return problems.map((problem) => {
    const offset = problem.nodeId ? idOffset(text, 'nodes', problem.nodeId) : problem.edgeId ? idOffset(text, 'edges', problem.edgeId) : -1;
    const line = offset >= 0 ? fieldLine(text, offset, problem.nodeId ? problem.field : undefined) : 1;
    return lineMarker(text, line, problem.severity, problem.message);
  });
}
