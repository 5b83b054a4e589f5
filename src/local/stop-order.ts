/**
 * How something made of parts stops: the phases, first to last, named in one place, and the
 * steps each part registers under its phase as it starts. A step that fails does not keep the
 * later ones from running.
 */
export class StopOrder<Phase extends string> {
  private readonly steps = new Map<Phase, (() => Promise<void>)[]>();

  constructor(private readonly phases: readonly Phase[]) {}

  add(phase: Phase, step: () => Promise<void> | void): void {
    const steps = this.steps.get(phase) ?? [];
    steps.push(async () => step());
    this.steps.set(phase, steps);
  }

  /** Runs every phase in order (steps of one phase in the reverse of their registration); a second call finds nothing left. */
  async run(): Promise<void> {
    for (const phase of this.phases) {
      const steps = this.steps.get(phase) ?? [];
      this.steps.delete(phase);
      for (const step of steps.reverse()) await step().catch(() => undefined);
    }
  }
}
