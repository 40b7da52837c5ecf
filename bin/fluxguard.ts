#!/usr/bin/env node
/**
 * CDK entry point: `cdk synth` / `cdk deploy` run this through tsx (see cdk.json).
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';

buildApp(new App());
