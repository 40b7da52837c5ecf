/**
 * The image stories of `fluxguard simulate --fast`, as tests: each story runs once, and its
 * timeline must keep every invariant and pass the story's checks (kinds and data on the timeline,
 * the repository's files, the alerts: never the wording).
 */
import { describeStories } from './support/stories.js';

describeStories(['image-crashloop', 'missing-image', 'health-500']);
