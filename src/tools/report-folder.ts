/**
 * Where a bench writes its report: `.test-artifacts/bench` (untracked) unless told, so a
 * plain run leaves the working tree clean; `--update-docs` writes the copy docs/ cites.
 */
export function reportFolder(values: ReportOptions): string {
  if (values['update-docs']) return 'docs/bench';
  return values.out ?? '.test-artifacts/bench';
}

type ReportOptions = { readonly out?: string | undefined; readonly 'update-docs'?: boolean | undefined };

/** What is wrong with the options, for the CLI to report with its usage (exit 2). */
export function reportFolderConflict(values: ReportOptions): string | undefined {
  return values.out !== undefined && values['update-docs'] ? '--out and --update-docs name two places: give one' : undefined;
}
