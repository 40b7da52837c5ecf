/**
 * The breaker story of `fluxguard simulate --fast`, as tests: it runs once, and its
 * timeline must keep every invariant and pass the story's checks (kinds and data on the timeline,
 * the repository's files, the alerts: never the wording).
 */
import { describeStories } from './support/stories.js';

describeStories(['breaker']);
