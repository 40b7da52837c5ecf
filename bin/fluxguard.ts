#!/usr/bin/env node
/**
 * CDK entry point: `cdk synth` / `cdk deploy` run this through tsx (see cdk.json).
 * Stages: `<environment>-<region>` (e.g. `staging-us-east-1`); deploy one with
 * `npx cdk deploy 'staging-us-east-1/*'`.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';

buildApp(new App());
