/** Thrown inside the pickle interpreter to stop it; interpretPickle turns it into `PickleRun.problem`. */
export class PickleStop {
  constructor(readonly message: string) {}
}
