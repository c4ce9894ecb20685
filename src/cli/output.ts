/** Results go to stdout (JSON with --json), progress and errors to stderr. */
export interface Output {
  json: boolean;
  result(text: string, data: unknown): void;
  log(line: string): void;
}

export function output(json: boolean): Output {
  return {
    json,
    result: (text, data) => { process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : text + '\n'); },
    log: (line) => { process.stderr.write(line + '\n'); },
  };
}
