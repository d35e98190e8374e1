// Jest's node environment, quiet when tests pass: console output (CDK warnings, progress lines) is held back and
// printed only with a failing test (the output of that test, and of the file's module code and hooks), so that a
// passing run prints a summary and a failing one shows everything that explains it. TEST_CONSOLE=all prints it all.
const { TestEnvironment } = require('jest-environment-node');

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'group', 'groupCollapsed', 'groupEnd'];

class QuietEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    if (process.env.TEST_CONSOLE === 'all') return;
    const real = this.global.console;
    this.real = real;
    this.fileOutput = [];
    this.testOutput = undefined;
    const quiet = Object.create(real);
    for (const m of METHODS) {
      if (typeof real[m] !== 'function') continue;
      quiet[m] = (...args) => (this.testOutput ?? this.fileOutput).push([m, args]);
    }
    this.global.console = quiet;
  }

  print(entries) {
    for (const [m, args] of entries) this.real[m](...args);
  }

  handleTestEvent(event, state) {
    if (!this.real) return;
    if (event.name === 'test_start') this.testOutput = [];
    else if (event.name === 'test_done') {
      if (event.test.errors.length > 0) {
        this.print(this.fileOutput);
        this.fileOutput = [];
        this.print(this.testOutput ?? []);
      }
      this.testOutput = undefined;
    } else if (event.name === 'run_finish' && state.unhandledErrors.length > 0) {
      this.print(this.fileOutput);
      this.fileOutput = [];
    }
  }
}

module.exports = QuietEnvironment;
