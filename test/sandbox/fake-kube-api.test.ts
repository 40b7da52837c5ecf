import { Agent, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeApi, type KubeObject, type WriteEvent } from '../../sandbox/index.js';

const api = new FakeKubeApi();
let agent: Agent;

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const ks = (name: string, namespace = 'flux-system'): KubeObject => ({
  ...KS,
  metadata: { name, namespace, generation: 3, annotations: { keep: 'me' } },
  spec: { path: './gitops/apps/staging', prune: true },
});

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const answer = await request(`${api.url}${path}`, {
    method: method as 'GET',
    dispatcher: agent,
    headers: { authorization: `Bearer ${api.token}`, 'content-type': contentType },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: answer.statusCode, json: (await answer.body.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  await api.start();
  agent = new Agent({ connect: { ca: api.caPem } });
});
afterAll(async () => {
  await agent.close();
  await api.close();
});
beforeEach(() => {
  api.clear();
});

describe('FakeKubeApi writes', () => {
  it('applies a merge patch to an annotation without changing the generation', async () => {
    // Prepare
    api.put(ks('apps'));
    // Act
    const answer = await call(
      'PATCH',
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
      { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': '2026-12-03T10:00:00Z' } } },
      'application/merge-patch+json',
    );
    // Assess
    expect(answer.status).toBe(200);
    const stored = api.object(KS, 'flux-system', 'apps');
    expect(stored?.metadata.annotations).toEqual({
      keep: 'me',
      'reconcile.fluxcd.io/requestedAt': '2026-12-03T10:00:00Z',
    });
    expect(stored?.metadata.generation).toBe(3);
  });

  it('raises the generation when a JSON patch changes the spec', async () => {
    api.put(ks('apps'));
    const answer = await call(
      'PATCH',
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
      [{ op: 'replace', path: '/spec/prune', value: false }],
      'application/json-patch+json',
    );
    expect(answer.status).toBe(200);
    expect(api.object(KS, 'flux-system', 'apps')).toMatchObject({
      metadata: { generation: 4 },
      spec: { prune: false },
    });
  });

  it('answers 422 for a JSON patch of a path that does not exist, and changes nothing', async () => {
    api.put(ks('apps'));
    const answer = await call(
      'PATCH',
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
      [{ op: 'replace', path: '/spec/missing/deep', value: 1 }],
      'application/json-patch+json',
    );
    expect(answer.status).toBe(422);
    expect(api.object(KS, 'flux-system', 'apps')?.spec).toEqual({
      path: './gitops/apps/staging',
      prune: true,
    });
  });

  it('creates, refuses a second create with 409, deletes, then answers 404', async () => {
    const path = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/team/kustomizations';
    expect((await call('POST', path, ks('web', 'team'))).status).toBe(201);
    expect((await call('POST', path, ks('web', 'team'))).status).toBe(409);
    expect((await call('DELETE', `${path}/web`)).status).toBe(200);
    expect((await call('GET', `${path}/web`)).status).toBe(404);
  });

  it('lists a kind across every namespace', async () => {
    api.put(ks('a', 'one'), ks('b', 'two'));
    const answer = await call('GET', '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations');
    expect((answer.json.items as KubeObject[]).map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);
  });

  it('tells listeners about every change with the method that made it', async () => {
    const seen: Array<Pick<WriteEvent, 'type' | 'via'>> = [];
    const stop = api.onWrite((event) => seen.push({ type: event.type, via: event.via }));
    api.put(ks('apps'));
    await call(
      'PATCH',
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
      { spec: { suspend: true } },
      'application/merge-patch+json',
    );
    api.remove(KS, 'flux-system', 'apps');
    stop();
    api.put(ks('ignored'));
    expect(seen).toEqual([
      { type: 'ADDED', via: 'put' },
      { type: 'MODIFIED', via: 'PATCH' },
      { type: 'DELETED', via: 'put' },
    ]);
  });
});
