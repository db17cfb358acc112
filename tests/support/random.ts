/** Seeded randomness for tests: the generator's own PRNG, so random test data is the same every run. */
export { mulberry32 } from '../../data/src/random';
