import { GantryStepExecutor, StepExecutorRegistry } from './executors';

const executor = (type: string): GantryStepExecutor => ({
  type,
  execute: async () => ({ outputs: {} }),
});

describe('StepExecutorRegistry', () => {
  it('finds registered executors by type and lists known types sorted', () => {
    const registry = new StepExecutorRegistry();
    registry.register(executor('shell'));
    registry.register(executor('http'));
    expect(registry.get('shell').type).toBe('shell');
    expect(registry.knownTypes()).toEqual(['http', 'shell']);
  });

  it('names the unknown type and the known ones', () => {
    const registry = new StepExecutorRegistry();
    registry.register(executor('shell'));
    expect(() => registry.get('terraformm')).toThrow(
      "Unknown step type 'terraformm'; known types: shell",
    );
  });

  it('refuses a second executor for the same type and malformed types', () => {
    const registry = new StepExecutorRegistry();
    registry.register(executor('shell'));
    expect(() => registry.register(executor('shell'))).toThrow(
      /already registered/,
    );
    expect(() => registry.register(executor('Bad Type'))).toThrow(
      /Invalid step executor type/,
    );
  });
});
