// End-to-end tests of the web console: sign in, status counts and filters, creating a
// workspace, a provision run whose live log reaches "Apply complete", resources with sensitive
// values hidden, delete refused while active, a destroy with approval, and the typed-identifier
// delete driven by the keyboard. Screenshots of the main pages go to $ARTIFACTS_DIR.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';

import {MAIN_TF, TerraneServer, W, launchBrowser, makeRepo, terraformProblem} from './harness.js';

const RUN_TIMEOUT_MS = 240000;
const UI_TIMEOUT_MS = 15000;
const SECRET_VALUE = 's3cr3t-value-never-shown';
// A tag value is free text: the console must show it as text, never run it.
const MARKUP = '<img src=x onerror="window.__injected=1">';

describe('web console', {timeout: 15 * 60 * 1000}, () => {
  let server;
  let browser;
  let page;
  let repo;
  let repoRoot;
  const requests = [];
  const pageErrors = [];

  // fullPage: the whole page; fit: the viewport's width down to the end of the content.
  const shot = async (name, {fullPage = false, fit = false} = {}) => {
    const file = path.join(process.env.ARTIFACTS_DIR, `${name}.png`);
    if (!fit) return page.screenshot({path: file, fullPage});
    const bottom = await page.evaluate(
      () => document.querySelector('main').getBoundingClientRect().bottom,
    );
    return page.screenshot({
      path: file,
      clip: {x: 0, y: 0, width: 1366, height: Math.ceil(bottom)},
    });
  };
  const rows = () => page.locator('table[aria-label="Workspaces"] tbody tr');
  const go = async (hash) => {
    await page.goto(`${server.baseUrl}/console/${hash}`);
    await page.locator('main h1').first().waitFor();
  };

  async function eventually(fn, what, timeout = UI_TIMEOUT_MS) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        if (await fn()) return;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function rowNames() {
    await page.locator('#list-summary').waitFor();
    return page
      .locator('table[aria-label="Workspaces"] tbody tr td:nth-child(2)')
      .allTextContents();
  }

  // The list re-renders after the hash changes: wait for the rows to become `expected`.
  async function expectRows(expected) {
    let seen;
    await eventually(
      async () => {
        seen = await rowNames();
        return JSON.stringify(seen) === JSON.stringify(expected);
      },
      `rows ${JSON.stringify(expected)}`,
    ).catch((err) => {
      throw new Error(`${err.message}; saw ${JSON.stringify(seen)}`);
    });
  }

  async function expectRowCount(n) {
    await eventually(async () => (await rowNames()).length === n, `${n} rows`);
  }

  before(async () => {
    const problem = terraformProblem();
    if (problem) throw new Error(problem);
    repoRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'terrane-browser-repo-'));
    repo = makeRepo(repoRoot, {'main.tf': MAIN_TF});
    server = await new TerraneServer().start();
    const P = '/v1/orgs/default/projects/default/secrets';
    let r = await server.api('POST', P, {
      secret: {
        identifier: 'db_password',
        name: 'DB password',
        spec: {type: 'SecretText', value_type: 'Inline', value: SECRET_VALUE},
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    r = await server.api('POST', P, {
      secret: {
        identifier: 'old_token',
        name: 'old token',
        spec: {type: 'SecretText', value_type: 'Inline', value: SECRET_VALUE},
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    r = await server.api('POST', W, {
      identifier: 'net-one',
      name: 'net one',
      provisioner: 'terraform',
      tags: {team: 'net', note: MARKUP},
      terraform_variables: {
        password: {key: 'password', value: 'db_password', value_type: 'secret'},
        region: {key: 'region', value: 'eu-west', value_type: 'string'},
        token: {key: 'token', value: 'old_token', value_type: 'secret'},
      },
      environment_variables: {},
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // Deleted after the variable was saved: the console shows it as not set.
    r = await server.api('DELETE', `${P}/old_token`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await server.api('POST', W, {
      identifier: 'net-two',
      name: 'net two',
      provisioner: 'terraform',
      tags: {team: 'edge'},
      terraform_variables: {},
      environment_variables: {},
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // A state with one managed resource makes net-two active.
    await server.pushState('net-two', {
      version: 4,
      terraform_version: '1.11.4',
      serial: 1,
      lineage: '5b1f8c1e-7a3d-4e2b-9f00-1c2d3e4f5a6b',
      outputs: {},
      check_results: null,
      resources: [
        {
          mode: 'managed',
          type: 'terraform_data',
          name: 'edge',
          provider: 'provider["terraform.io/builtin/terraform"]',
          instances: [
            {
              schema_version: 0,
              attributes: {id: 'x', input: null, output: null, triggers_replace: null},
              sensitive_attributes: [],
            },
          ],
        },
      ],
    });

    browser = await launchBrowser();
    const context = await browser.newContext({viewport: {width: 1366, height: 800}});
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('request', (req) => requests.push(req.url()));
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content.Security.Policy/i.test(msg.text()))
        pageErrors.push(msg.text());
    });
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (repoRoot) fs.rmSync(repoRoot, {recursive: true, force: true});
  });

  it('redirects / to the console and signs in with an API key', async () => {
    await page.goto(`${server.baseUrl}/`);
    assert.equal(new URL(page.url()).pathname, '/console/');
    await page.getByRole('heading', {name: 'Sign in to Terrane'}).waitFor();
    await page.fill('#api-key', 'not-a-key');
    await page.getByRole('button', {name: 'Sign in'}).click();
    await page.getByRole('alert').filter({hasText: 'not valid'}).waitFor();
    await page.fill('#api-key', server.key);
    await page.getByRole('button', {name: 'Sign in'}).click();
    await page.getByRole('heading', {name: 'Workspaces'}).waitFor();
    // The key stays out of every URL.
    assert.ok(
      requests.every((u) => !u.includes(server.key)),
      'the API key appeared in a URL',
    );
  });

  it("creates a workspace with the form and shows the server's validation message", async () => {
    await page.getByRole('link', {name: 'New workspace'}).click();
    await page.fill('#f-identifier', '9-bad');
    await page.fill('#f-name', 'app');
    await page.fill('#f-repository', repo);
    await page.fill('#f-ref', 'main');
    await page.fill('#f-tags', 'team:app');
    await page.getByRole('button', {name: 'Create workspace'}).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /identifier "?'?9-bad/);
    await page.fill('#f-identifier', 'app');
    await page.getByRole('button', {name: 'Create workspace'}).click();
    await page.locator('#flash').filter({hasText: 'Workspace app was created.'}).waitFor();
    assert.match(await page.locator('main h1').textContent(), /app\s*inactive/);
  });

  it('shows status counts that filter the list, and searches by name and tag', async () => {
    await go('#/workspaces');
    const count = (status) =>
      page.locator(`button.count[data-status="${status}"] .n`).textContent();
    await eventually(async () => (await count('inactive')) === '2', 'two inactive');
    assert.equal(await count('active'), '1');
    for (const s of ['provisioning', 'destroying', 'drifted', 'apply_needed', 'failed']) {
      assert.equal(await count(s), '0', s);
    }
    await expectRows(['app', 'net-one', 'net-two']);
    // Each row: status, provisioner, last run, updated.
    const first = rows().first();
    await eventually(
      async () => (await first.locator('td').nth(3).textContent()) === 'terraform',
      'the provisioner cell',
    );
    assert.equal(await first.locator('td').nth(4).textContent(), 'no runs');
    await shot('workspaces');

    await page.locator('button.count[data-status="active"]').click();
    await page.waitForURL(/status=active/);
    await expectRows(['net-two']);
    assert.equal(
      await page.locator('button.count[data-status="active"]').getAttribute('aria-pressed'),
      'true',
    );
    await page.locator('button.count[data-status="active"]').click();
    await page.waitForURL((u) => !u.hash.includes('status='));
    await expectRowCount(3);

    await page.fill('#search', 'net');
    await page.getByRole('button', {name: 'Apply', exact: true}).click();
    await page.waitForURL(/q=net/);
    await expectRows(['net-one', 'net-two']);
    await page.fill('#tag', 'team:net');
    await page.getByRole('button', {name: 'Apply', exact: true}).click();
    await page.waitForURL(/tag=team/);
    await expectRows(['net-one']);
    await page.selectOption('#sort', 'name,DESC');
    await page.getByRole('link', {name: 'Clear filters'}).click();
    await page.waitForURL((u) => !u.hash.includes('q='));
    await expectRowCount(3);
  });

  it('provisions from the workspace page and streams the log to "Apply complete"', async () => {
    await page.getByRole('link', {name: 'app', exact: true}).click();
    await page.getByRole('heading', {name: 'Overview'}).waitFor();
    await page.getByRole('button', {name: 'Provision', exact: true}).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Stop at the plan and wait for my approval').uncheck();
    await dialog.getByRole('button', {name: 'Start provision'}).click();
    await page.waitForURL(/\/runs\/run-/);
    await page
      .locator('#log')
      .filter({hasText: 'Apply complete! Resources: 2 added'})
      .waitFor({timeout: RUN_TIMEOUT_MS});
    await page
      .locator('#run-status')
      .filter({hasText: 'succeeded'})
      .waitFor({timeout: RUN_TIMEOUT_MS});
    assert.match(
      await page.locator('#plan-summary').textContent(),
      /2 to add, 0 to change, 0 to destroy/,
    );
    await page
      .locator('main h1')
      .filter({hasText: /app\s*active$/})
      .waitFor();
    await page.getByRole('button', {name: 'Show the plan'}).click();
    await page.locator('#plan-text').filter({hasText: 'terraform_data.first'}).waitFor();
    await shot('run', {fullPage: true});

    // The list now shows the run in the app row (this picture is the README's docs/console.png).
    await go('#/workspaces');
    const appRow = rows().filter({hasText: 'app'}).first();
    await appRow
      .locator('td')
      .nth(4)
      .filter({hasText: /provision\s*succeeded/})
      .waitFor();
    assert.match(await appRow.locator('td').nth(2).textContent(), /^active$/);
    assert.equal(await page.locator('button.count[data-status="active"] .n').textContent(), '2');
    await shot('console', {fit: true});
    await page.getByRole('link', {name: 'app', exact: true}).click();
    await page.getByRole('heading', {name: 'Overview'}).waitFor();
    await page.locator('table[aria-label="Last runs"]').waitFor();
    await shot('overview', {fullPage: true});
  });

  it('shows resources and outputs with sensitive values hidden, state versions and the backend', async () => {
    await page.getByRole('link', {name: 'Resources & outputs'}).click();
    await page.getByRole('heading', {name: 'Outputs'}).waitFor();
    const outputs = page.locator('table[aria-label="Outputs"]');
    assert.match(await outputs.textContent(), /value.*hello-2/);
    assert.match(await outputs.textContent(), /token.*sensitive \(hidden\)/);
    assert.match(
      await page.locator('table[aria-label="Resources"]').textContent(),
      /terraform_data\.first/,
    );
    assert.ok(!(await page.content()).includes('not-for-screens'), 'a sensitive output was shown');
    await shot('resources');

    await page.getByRole('link', {name: 'State', exact: true}).click();
    await page.getByRole('heading', {name: 'State versions'}).waitFor();
    assert.ok((await page.locator('table[aria-label="State versions"] tbody tr').count()) >= 1);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .locator('table[aria-label="State versions"] tbody tr')
        .first()
        .getByRole('button', {name: /Download/})
        .click(),
    ]);
    const saved = path.join(process.env.ARTIFACTS_DIR, 'state.json');
    await download.saveAs(saved);
    assert.equal(JSON.parse(fs.readFileSync(saved, 'utf8')).resources.length, 2);
    fs.rmSync(saved);

    await page.getByRole('link', {name: 'Backend'}).click();
    await page.locator('pre.code').first().filter({hasText: 'backend "http"'}).waitFor();
    assert.match(
      await page.locator('pre.code').first().textContent(),
      /workspaces\/app\/terraform-backend/,
    );
  });

  it('plans and checks for drift with the buttons, and rejects or cancels a waiting run', async () => {
    const startAndFinish = async (button, expectStatus) => {
      await go('#/ws/app/overview');
      await page.getByRole('button', {name: button, exact: true}).click();
      await page.waitForURL(/\/runs\/run-/);
      await page
        .locator('#run-status')
        .filter({hasText: expectStatus})
        .waitFor({timeout: RUN_TIMEOUT_MS});
    };
    await startAndFinish('Plan', 'succeeded');
    assert.equal(await page.locator('#plan-summary').textContent(), 'No changes.');
    await startAndFinish('Check for drift', 'succeeded');
    await page
      .locator('main h1')
      .filter({hasText: /app\s*active$/})
      .waitFor();

    for (const [verb, status] of [
      ['Reject', 'rejected'],
      ['Cancel run', 'cancelled'],
    ]) {
      await go('#/ws/app/overview');
      await page.getByRole('button', {name: 'Destroy', exact: true}).click();
      await page.getByRole('dialog').getByRole('button', {name: 'Start destroy'}).click();
      await page.waitForURL(/\/runs\/run-/);
      const button = page.getByRole('button', {name: verb, exact: true});
      await button.waitFor({timeout: RUN_TIMEOUT_MS});
      await page.locator('.callout').filter({hasText: 'waits for approval'}).waitFor();
      await button.click();
      await page
        .locator('#run-status')
        .filter({hasText: status})
        .waitFor({timeout: RUN_TIMEOUT_MS});
      assert.equal((await server.api('GET', `${W}/app`)).body.status, 'active', `after ${verb}`);
    }
  });

  it('shows secret variables as set, never their values', async () => {
    await go('#/ws/net-one/variables');
    const vars = page.locator('table[aria-label="Terraform variables"]');
    await eventually(
      async () => /password\s*secret\s*set secret db_password/.test(await vars.textContent()),
      'the password secret shown as set',
    );
    await eventually(
      async () => /token\s*secret\s*not set secret old_token/.test(await vars.textContent()),
      'the deleted token secret shown as not set',
    );
    assert.match(await vars.textContent(), /region\s*string\s*eu-west/);
    await shot('variables', {fullPage: true});
    assert.ok(!(await page.content()).includes(SECRET_VALUE), 'a secret value was shown');

    // Adding a variable replaces the workspace (PUT) and keeps everything else, so the server
    // refuses while a variable refers to a missing secret, and says which.
    const add = async () => {
      await page.fill('#terraform_variables-key', 'zone');
      await page.fill('#terraform_variables-value', 'b');
      await page.locator('form[aria-label="Add to Terraform variables"] button').click();
    };
    await add();
    await page.getByRole('alert').filter({hasText: 'token'}).waitFor();
    await page.getByRole('button', {name: 'Remove token'}).click();
    await page.locator('#flash').filter({hasText: 'Variable token was removed.'}).waitFor();
    await add();
    await page.locator('#flash').filter({hasText: 'Variable zone was saved.'}).waitFor();
    assert.match(await vars.textContent(), /zone\s*string\s*b/);
    const saved = (await server.api('GET', `${W}/net-one`)).body;
    assert.deepEqual(Object.keys(saved.terraform_variables).sort(), ['password', 'region', 'zone']);
    assert.equal(saved.terraform_variables.password.value_type, 'secret');
    assert.deepEqual(saved.tags, {team: 'net', note: MARKUP});
    await page.getByRole('button', {name: 'Remove zone'}).click();
    await page.locator('#flash').filter({hasText: 'Variable zone was removed.'}).waitFor();
    assert.doesNotMatch(await vars.textContent(), /zone/);
  });

  it('rolls the state back after a confirmation', async () => {
    // A second state version with no resources: net-two becomes inactive.
    await server.pushState('net-two', {
      version: 4,
      terraform_version: '1.11.4',
      serial: 2,
      lineage: '5b1f8c1e-7a3d-4e2b-9f00-1c2d3e4f5a6b',
      outputs: {},
      check_results: null,
      resources: [],
    });
    await go('#/ws/net-two/state');
    await page.getByRole('heading', {name: 'State versions'}).waitFor();
    const versions = page.locator('table[aria-label="State versions"] tbody tr');
    assert.equal(await versions.count(), 2);
    await page.getByRole('button', {name: 'Roll back to serial 1'}).click();
    const dialog = page.getByRole('dialog');
    assert.match(await dialog.textContent(), /serial 1, 1 resources/);
    await dialog.getByRole('button', {name: 'Cancel'}).click();
    await dialog.waitFor({state: 'detached'});
    assert.equal(await versions.count(), 2, 'cancel must not roll back');
    await page.getByRole('button', {name: 'Roll back to serial 1'}).click();
    await dialog.getByRole('button', {name: 'Roll back to serial 1'}).click();
    await page
      .locator('#flash')
      .filter({hasText: 'The state was rolled back to serial 1.'})
      .waitFor();
    await page
      .locator('main h1')
      .filter({hasText: /net two\s*rollback_applied$/})
      .waitFor();
    await eventually(async () => (await versions.count()) === 3, 'the new version in the list');
    assert.equal((await server.api('GET', `${W}/net-two`)).body.status, 'rollback_applied');
  });

  it('edits the configuration, keeping what the form does not show', async () => {
    await go('#/ws/net-one/configuration');
    await page.fill('#f-description', 'edge network');
    await page.fill('#f-version', '1.11');
    await page.getByRole('button', {name: 'Save changes'}).click();
    await page.locator('#flash').filter({hasText: 'The configuration was saved.'}).waitFor();
    const saved = (await server.api('GET', `${W}/net-one`)).body;
    assert.equal(saved.description, 'edge network');
    assert.equal(saved.provisioner_version, '1.11');
    assert.deepEqual(Object.keys(saved.terraform_variables).sort(), ['password', 'region']);
    assert.deepEqual(saved.tags, {team: 'net', note: MARKUP});
    // A server refusal is shown on the form.
    await page.fill('#f-name', '9 not a name');
    await page.getByRole('button', {name: 'Save changes'}).click();
    await page.getByRole('alert').filter({hasText: 'name'}).waitFor();
    assert.equal((await server.api('GET', `${W}/net-one`)).body.name, 'net one');
  });

  it('renders user input as text, never as markup', async () => {
    await go('#/ws/net-one/overview');
    const tags = page.locator('dl.facts dd').filter({hasText: 'team:net'});
    assert.equal(await tags.textContent(), `note:${MARKUP}, team:net`);
    assert.equal(await page.locator('main img').count(), 0);
    assert.equal(await page.evaluate(() => window.__injected), undefined);
  });

  it('refuses delete while active and starts a destroy run that waits for approval', async () => {
    await go('#/ws/app/configuration');
    const del = page.locator('#delete-workspace');
    assert.equal(await del.isDisabled(), true);
    assert.match(
      await page.locator('#delete-why').textContent(),
      /is active: only an inactive workspace/,
    );
    await shot('delete-refused', {fullPage: true});
    await page.getByRole('button', {name: 'Start a destroy run'}).click();
    const dialog = page.getByRole('dialog');
    assert.equal(
      await dialog.getByLabel('Stop at the plan and wait for my approval').isChecked(),
      true,
    );
    await dialog.getByRole('button', {name: 'Start destroy'}).click();
    await page.waitForURL(/\/runs\/run-/);
    const approve = page.getByRole('button', {name: 'Approve'});
    await approve.waitFor({timeout: RUN_TIMEOUT_MS});
    assert.match(
      await page.locator('#plan-summary').textContent(),
      /0 to add, 0 to change, 2 to destroy/,
    );
    await approve.click();
    await page
      .locator('#log')
      .filter({hasText: 'Apply complete! Resources: 0 added, 0 changed, 2 destroyed.'})
      .waitFor({timeout: RUN_TIMEOUT_MS});
    await page
      .locator('#run-status')
      .filter({hasText: 'succeeded'})
      .waitFor({timeout: RUN_TIMEOUT_MS});
    await page
      .locator('main h1')
      .filter({hasText: /app\s*inactive$/})
      .waitFor();
  });

  it('deletes an inactive workspace only after its identifier is typed, by keyboard', async () => {
    await go('#/ws/app/configuration');
    const del = page.locator('#delete-workspace');
    assert.equal(await del.isDisabled(), false);
    // Reachable with Tab alone from the top of the page.
    let presses = 0;
    while ((await page.evaluate(() => document.activeElement.id)) !== 'delete-workspace') {
      assert.ok(++presses < 60, 'Tab never reached the delete button');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /6 runs with their logs and plans/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'confirm-identifier');
    const confirm = dialog.getByRole('button', {name: 'Delete this workspace'});
    await page.keyboard.type('ap');
    assert.equal(await confirm.isDisabled(), true);
    await page.keyboard.press('Enter'); // a disabled default button submits nothing
    await page.keyboard.type('pp');
    assert.equal(await confirm.isDisabled(), true, 'wrong text "appp" must keep delete disabled');
    await page.keyboard.press('Escape');
    await dialog.waitFor({state: 'detached'});
    assert.equal(await page.evaluate(() => document.activeElement.id), 'delete-workspace');
    assert.equal((await server.api('GET', `${W}/app`)).status, 200);

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.type('app');
    assert.equal(await confirm.isDisabled(), false);
    await shot('delete-dialog');
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => document.activeElement.textContent),
      'Delete this workspace',
    );
    await page.keyboard.press('Enter');
    await page.locator('#flash').filter({hasText: 'Workspace app was deleted.'}).waitFor();
    await page.getByRole('heading', {name: 'Workspaces'}).waitFor();
    await expectRows(['net-one', 'net-two']);
    assert.equal((await server.api('GET', `${W}/app`)).status, 404);
  });

  it('pages through a long list', async () => {
    for (let i = 0; i < 22; i++) {
      const id = `bulk-${String(i).padStart(2, '0')}`;
      const r = await server.api('POST', W, {
        identifier: id,
        name: id,
        provisioner: 'terraform',
        terraform_variables: {},
        environment_variables: {},
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    await go('#/workspaces?q=bulk');
    await expectRowCount(20);
    assert.equal(await page.locator('.pager span').textContent(), 'Page 1 of 2');
    assert.equal(await page.getByRole('button', {name: '← Previous'}).isDisabled(), true);
    await page.getByRole('button', {name: 'Next →'}).click();
    await page.waitForURL(/page=2/);
    await expectRows(['bulk-20', 'bulk-21']);
    assert.equal(await page.locator('.pager span').textContent(), 'Page 2 of 2');
    assert.equal(
      await page.locator('#list-summary').textContent(),
      '22 workspaces with name containing “bulk”',
    );
  });

  it('signs out, forgetting the key', async () => {
    await page.getByRole('button', {name: 'Sign out'}).click();
    await page.getByRole('heading', {name: 'Sign in to Terrane'}).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    // A link into the console asks for the key first, then opens what it links to.
    await page.goto(`${server.baseUrl}/console/#/ws/net-one/variables`);
    await page.getByRole('heading', {name: 'Sign in to Terrane'}).waitFor();
    await page.fill('#api-key', server.key);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', {name: 'Terraform variables'}).waitFor();
    assert.match(await page.locator('main h1').textContent(), /net one/);
    // The skip link focuses the content and leaves the page where it is.
    await page.getByRole('link', {name: 'Skip to content'}).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    assert.match(page.url(), /#\/ws\/net-one\/variables$/);
  });

  it('loaded nothing from outside the server and raised no script or CSP errors', () => {
    const outside = requests.filter(
      (u) => !u.startsWith(server.baseUrl + '/') && !u.startsWith('blob:'),
    );
    assert.deepEqual(outside, []);
    assert.deepEqual(pageErrors, []);
  });
});
