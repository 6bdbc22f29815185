/**
 * Every rule orgctl reports, once: its id, the stage that runs it, its severity, what it finds and
 * what fixes it, and whether and how an admin may override it. Findings and review results carry
 * a `RuleId` (so an id the registry does not hold does not compile); `orgctl check --list`,
 * `orgctl review --help` and the README's tables are made from this list (a test keeps the README
 * equal to it). Like cdk-nag's rule packs and kube-linter's check registry, the list is the docs.
 */
import { githubIdLookup, withThousands } from './text.ts';
import { ORG_DEFAULTS } from './defaults.ts';

/**
 * Where a rule runs: `declaration` over the model (`orgctl check`, `synth`, the Organization's
 * validation), `output` over the objects synthesis is about to write (`synth` only), `change`
 * over a base → head diff (`orgctl review`).
 */
export type RuleStage = 'declaration' | 'output' | 'change';

export interface RuleInfo {
  readonly id: string;
  readonly stage: RuleStage;
  /** `error` fails synthesis or the review; `warning` prints and passes. */
  readonly severity: 'error' | 'warning' | 'warning (error when `sso.enforced`)';
  /** What it finds (markdown): the README's tables and `check --list` print it. */
  readonly description: string;
  /** What makes it pass. */
  readonly remediation: string;
  /** How an admin lifts it, for the few rules that may be lifted; absent: nothing overrides it. */
  readonly override?: string;
}

/** Days before a token's expiry from which `token-expiry` warns. */
export const TOKEN_EXPIRY_NOTICE_DAYS = 14;
/** Removing many at once is how accidents (and sabotage) look: peribolos' maximum-removal-delta. */
export const MINIMUM_REMOVALS = 3;
/** A set this small is judged by majority: 2 of 3 tokens is a mass removal whatever the threshold says. */
export const SMALL_SET = 2;
/**
 * Names a checkout of head's tree must be able to create: Linux's 255 bytes a name, and of its
 * 4,096 for a whole path, 1 KiB left for the folder Argo CD checks the repository out into
 * (`/tmp/` and the repository's URL), which its symlink walk then opens (repository-tree).
 */
export const TREE_NAME_LIMITS = { name: 255, path: 3 * 1024 } as const;
/** Shards must stay within what one Argo CD Application and the repo server handle well. */
export const SHARD_LIMITS = { objects: 1500, bytes: 4 * 1024 * 1024 } as const;
/** Whether a shard of this many objects and bytes (its file's UTF-8 bytes, byteLength: never its characters) fits one Argo CD Application. */
export const withinShardLimits = (objects: number, bytes: number): boolean =>
  objects <= SHARD_LIMITS.objects && bytes <= SHARD_LIMITS.bytes;

const percent = (share: number) => `${Math.round(share * 100)}%`;
const OTHER_ADMIN =
  'an approval from an admin who is not an actor (with one admin in base, that admin alone, unless the change gives them something)';

export const RULES = [
  // Declaration: over the model, before anything is rendered.
  {
    id: 'forbidden-grant',
    stage: 'declaration',
    severity: 'error',
    description:
      'an admin-only level (`w:pods`, `w:full`, and every level that lets a subject run code), directly or through a role, granted to a non-admin user or invite; or a custom role or inline rules that allow the same (running pods or anything that creates them, exec, port-forward and proxies, Secret writes, tokens, RBAC writes, admission webhooks and policies and exceptions to the policies of a policy engine, ResourceQuota writes and deleting or updating the namespace (an update writes the ownerReferences the garbage collector deletes it by), any of which makes the API server refuse what orgctl writes there next and so holds every revocation of its Argo CD Application; reading Secrets is `r:secrets`, grantable, and a `risky-grant` warning) or write custom resources of an API group Kubernetes does not serve itself that `safeCustomResources` does not declare safe (a controller may make pods from one), judged before synthesis and again on the synthesized RBAC; a token with any of that access whose owner is not an active admin (own it by an admin, or by nobody); anything at all granted to a non-admin user, invite or token owner in a namespace declared `adminsOnly` (the namespace of a privileged controller)',
    remediation:
      'make the user an admin, grant a level that does not run code, or narrow the custom rules; for a custom resource no controller runs code from, an admin declares it in `safeCustomResources` (another admin approves); in an `adminsOnly` namespace, grant in another namespace or drop `adminsOnly` (another admin approves)',
  },
  {
    id: 'unknown-namespace',
    stage: 'declaration',
    severity: 'error',
    description:
      'a grant, token or invite names a namespace that is not declared (a namespace must exist before access is provisioned)',
    remediation: 'declare the namespace, or fix its name',
  },
  {
    id: 'unknown-user',
    stage: 'declaration',
    severity: 'error',
    description: "a grant names a user who is not declared (an invitee's access goes on the invite)",
    remediation: 'declare the user, or put the access on their invite',
  },
  {
    id: 'unknown-level',
    stage: 'declaration',
    severity: 'error',
    description: 'a level that is not in the catalog (with a "did you mean")',
    remediation: 'use a level `orgctl levels` lists',
  },
  {
    id: 'unknown-cluster',
    stage: 'declaration',
    severity: 'error',
    description: "a namespace names a cluster that is not one of the organization's `clusters`",
    remediation: "add the cluster to the organization's `clusters`, or fix its name",
  },
  {
    id: 'unknown-role',
    stage: 'declaration',
    severity: 'error',
    description: 'a grant, token or invite names a role or custom role that is not declared',
    remediation: 'declare the role, or fix its name',
  },
  {
    id: 'duplicate-user',
    stage: 'declaration',
    severity: 'error',
    description:
      'two users share an email or a GitHub login (case-insensitive) or a GitHub account id; a pending invite for a member or invited twice',
    remediation: 'keep one declaration per person',
  },
  {
    id: 'near-duplicate-idle',
    stage: 'declaration',
    severity: 'warning',
    description:
      "a pending invite, or a user holding nothing (no grant, not admin, no billing, no Add All, no token), one slip from another declared user (a slip as `near-duplicate-user` reads one): the invitation would go to a mistyped address, or the user is a slip left behind. Two users who both hold something are left to the review's `near-duplicate-user`, which knows which of them is new: said on every check, such a pair (`anne`, `anna`) would be noise nobody can silence",
    remediation:
      'if the user named was meant, put the access on them and remove the invite or the idle user; if it is another person, nothing',
  },
  {
    id: 'duplicate-name',
    stage: 'declaration',
    severity: 'error',
    description: 'a namespace, role, custom role or token id declared twice',
    remediation: 'rename or remove one of them',
  },
  {
    id: 'invalid-name',
    stage: 'declaration',
    severity: 'error',
    description:
      "a name Kubernetes would reject (organization, cluster, namespace and token ids are DNS labels, and so is Argo CD's namespace (`delivery.argocd.namespace`, also a word of the commands an admin pastes), a token's ServiceAccount `token-<id>-r<rotation>` too; `kube-` is reserved, for namespaces and for the organization's system namespace `<org>-system` (an organization named `kube`), and `system:` for ClusterRoles (an organization named `system`, whose roles are `system:<level>`), as are the platforms' `eks:`, `kubeadm:` and `gce:` (only the boundary tells a platform's `kubeadm:get-nodes` from an organization's); role names are DNS subdomains) — cdk8s does not check explicit names; or a token id ending in `-r<number>`, which names another token's rotation (its ServiceAccount, so the token value its holder has); or a cluster named `argocd`, the output's folder of Argo CD's own files; or a username (the username prefix, then a person's or invitee's email) starting `system:`, which Kubernetes reserves for its own identities: the boundary refuses a RoleBinding naming one, and with it the rest of its shard's Application, revocations included",
    remediation: 'choose a name of lower-case letters, digits and `-`',
  },
  {
    id: 'invalid-rule',
    stage: 'declaration',
    severity: 'error',
    description:
      'a custom RBAC rule the API server would refuse in a namespaced Role: `nonResourceURLs` (cluster-wide only), or no `apiGroups` or no `resources` — the Kubernetes schema allows them',
    remediation: 'give `apiGroups` and `resources`, without `nonResourceURLs`',
  },
  {
    id: 'owner-admin',
    stage: 'declaration',
    severity: 'error',
    description: 'the owner must be a declared, active admin',
    remediation: 'declare the owner as an active admin',
  },
  {
    id: 'admin-github-id',
    stage: 'declaration',
    severity: 'warning',
    description:
      "an active admin whose GitHub login is declared without the account's id (`githubId`): review then counts whoever holds the login as that admin, and once the account is renamed or deleted anyone may register it. A warning for an admin already so in base; a change making someone such an admin (made admin, reactivated, another login, the id dropped) fails review's `admin-change-approval`",
    remediation: `declare \`githubId\` beside \`github\` (\`${githubIdLookup()}\` prints it); for an admin, another admin approves`,
  },
  {
    id: 'remove-all-admin',
    stage: 'declaration',
    severity: 'error',
    description:
      "an admin with the seed's Remove All (`access: none`, `removeAll()`): admins hold `w:full` in every namespace by being admins, so Remove All would take nothing away",
    remediation: 'remove admin (another admin approves) or deactivate the user; or drop Remove All',
  },
  {
    id: 'token-owner-inactive',
    stage: 'declaration',
    severity: 'error',
    description:
      "an active token whose owner is deactivated or no longer declared (the seed: deactivate a departing user's tokens with them)",
    remediation:
      'deactivate the token, remove it, or give it an active owner and raise its rotation in the same change',
  },
  {
    id: 'token-expiry',
    stage: 'declaration',
    severity: 'warning',
    description: `a token expires within ${TOKEN_EXPIRY_NOTICE_DAYS} days, or has expired (then it is left out of the output and dies)`,
    remediation: 'rotate the token and set a later `expires`, or remove it',
  },
  {
    id: 'invite-without-sso',
    stage: 'declaration',
    severity: 'warning (error when `sso.enforced`)',
    description: 'a pending invite lets the invitee log in without SSO',
    remediation: 'invite with `sso: true`',
  },
  {
    id: 'system-namespace',
    stage: 'declaration',
    severity: 'error',
    description: 'anyone but an admin given access to the system namespace, or a namespace declared with its name',
    remediation: 'remove the grant (tokens live there; only admins may reach them)',
  },
  {
    id: 'expired-grant',
    stage: 'declaration',
    severity: 'warning',
    description:
      "a grant whose `expires` date has passed: it binds nothing and is not synthesized (the expiry workflow's pull request takes what it bound out of `dist/`). A warning: the declaration cannot tell a grant that ended with time from one added with a past date (the review then shows no change in access)",
    remediation: 'remove the grant; one this change adds: give it the date it should end on',
  },
  {
    id: 'inline-rules-expiry',
    stage: 'declaration',
    severity: 'error',
    description:
      "a person's inline rules in one namespace ending on different days (or some never): orgctl binds them as one Role and records one end for it, so one made to last longer would change nothing a review sees",
    remediation: 'give them one `expires` (or none), or make the shorter ones a custom role',
  },
  {
    id: 'undeployable-namespace',
    stage: 'declaration',
    severity: 'error',
    description:
      "a namespace the generated Argo CD AppProject denies (Argo CD's own namespace: `argocd` or `delivery.argocd.namespace`; `default`, Kubernetes' namespace for whatever names none), or Argo CD configured to run in the organization's system namespace or a `kube-` namespace: a shard that would never sync",
    remediation: 'rename the namespace, or run Argo CD in a namespace of its own',
  },
  {
    id: 'argocd-identity',
    stage: 'declaration',
    severity: 'error',
    description:
      "`appliedBy` (namespace protection, the boundary) names someone the organization gives access to: a user or an invitee (in any letter case), a token's ServiceAccount, or a ServiceAccount of a namespace it declares. Namespace protection lets whoever it names delete or relabel every namespace of the organization",
    remediation:
      "name only the identities Argo CD applies with: its application controller's ServiceAccount, `system:serviceaccount:kube-system:argocd-manager` for a cluster `argocd cluster add` registered",
  },
  {
    id: 'argocd-source',
    stage: 'declaration',
    severity: 'error',
    description:
      '`delivery.argocd.revision` is not a branch by its full name (`refs/heads/main`): Argo CD resolves a short name or `HEAD` against every ref of the repository, and a tag of that name, which branch protection does not cover, can win, so whoever may push a tag could point Argo CD at a commit nobody reviewed (a tag or a commit would never apply a later change, revocations included); or it names a branch holding `${{`, which GitHub reads as an expression in the push trigger of the check workflow (refusing the workflow: merges would run no check); or `delivery.argocd.path` is not a plain folder (a glob or `..` there makes Applications of folders the review never reads)',
    remediation:
      'name the branch pull requests merge into by its full name, e.g. `refs/heads/main` (the default); give the folder orgctl synth writes (`dist`)',
  },
  {
    id: 'invalid-text',
    stage: 'declaration',
    severity: 'error',
    description:
      "an email, GitHub login, token name or note, username prefix, Argo CD source, safeCustomResources reason, custom rule's string or namespace annotation's value holding a control, invisible or formatting character (any Unicode format or default-ignorable one: a soft hyphen, a tag character), a GitHub login GitHub cannot issue (it names no account), an email or GitHub login whose I or l reads as the other (`aIice` is the account `aiice`: both compare in lower case), or an email that reads as another address (UTS #39's confusables, as written and in lower case, its username): written decomposed (not NFC), in compatibility forms (not NFKC: a fullwidth `ｂ`), with a mark NFC cannot compose (`İ` lower-cased) or a mark on no letter, a Latin letter, punctuation or symbol that reads as an ASCII one (`ı`, a small capital `ʙ`, a hyphen `‐`, an apostrophe `ʼ`), a label mixing alphabets (a Cyrillic `о` in `bоb`, an Arabic-Indic `٥` in `i٥`), or a label whose letters of another alphabet each read as Latin, spelled as a name is (`асе`, `ВОВ`, `山田+асе`; not `анна`, read as `aHHa`), a domain with an empty label (`acme.io.`, `acme..io`: the dots read past), a local part with an empty part between dots or quotes (`bob.@acme.io`, `\"bob\"@acme.io`: RFC 5321's dot-string has neither, and a quoted one is the same mailbox, another username), a local part holding what is no RFC 5322 atext (`bob<frank@acme.io>`, `frank(ops)@acme.io`, `fr\\ank@`: a display name, a comment, a list, which mail systems read as frank@acme.io or as no address), a domain that is no host name (`acme.io+x`, `[10.0.0.1]`, `10.0.0.1`, `acme.io:25`, `acme_io.io`: RFC 1123's letters, digits and hyphens, the last label not digits alone), judged in a domain written in IDNA's ASCII form as what it decodes to (`xn--80ak6aa92e` is `аррӏе`), or a domain label IDNA never writes (`xn--acme-`): it would read as someone else in a review, or Go's YAML would refuse the file (a lone surrogate has no escape Go accepts), stopping the shard's Application, revocations included",
    remediation:
      'remove the character (the finding names it and where); write an email as the identity provider issues it, and an email or login with an upper-case I in lower case (both compare in lower case)',
  },
  {
    id: 'validation',
    stage: 'declaration',
    severity: 'error',
    description:
      "a validation another construct of the app added with `node.addValidation` fails (the Organization's own run as the rules above)",
    remediation: 'what that construct says',
  },
  {
    id: 'foreign-chart',
    stage: 'declaration',
    severity: 'error',
    description:
      "a cdk8s chart in the declaration's App that is not the organization's (a ConfigMap, a Helm chart), or an object added to one of the organization's charts: orgctl writes only what the organization renders and the review can prove, so it would be left out of `dist/` without a word",
    remediation:
      'move it to a cdk8s app of its own, synthesized and delivered apart (its own Argo CD Application); the App orgctl reads holds only the Organization',
  },
  {
    id: 'declaration',
    stage: 'declaration',
    severity: 'error',
    description:
      '`orgctl import`: the organization recovered from the manifests cannot be declared (a construct refuses one of its props)',
    remediation: 'fix the manifests, or the spec `import` printed, where the message says',
  },
  // Output: over the objects synthesis is about to write.
  {
    id: 'risky-grant',
    stage: 'output',
    severity: 'warning',
    description:
      'from the analysis of the output: a non-admin who may read Secrets, reach nodes or intercept traffic (one warning per role and class, naming who); a token writing custom resources `safeCustomResources` does not declare safe (a controller there may create pods); a token with cluster-wide power, or custom rules that escalate, bind or impersonate (`impersonate`, or the `impersonate:*` and `impersonate-on:*` verbs of constrained impersonation); a namespace declaring a guard rail (NetworkPolicy, ResourceQuota, LimitRange; the Namespace itself where Pod Security, labels or annotations are declared, as guard-rails judges it) whose kind someone other than an admin may write there (one more NetworkPolicy undoes `same-namespace`; and a finalizer of their own keeps the NetworkPolicy, ResourceQuota or LimitRange orgctl writes when Argo CD prunes it, so the sync of its shard waits for its deletion forever, holding every later revocation there)',
    remediation: 'check that each holder needs it; grant it to fewer people, or to an admin only',
  },
  {
    id: 'argocd-application-name',
    stage: 'output',
    severity: 'warning',
    description:
      'from the output: an Argo CD Application (one per `dist/<cluster>/<shard>/`, named `<organization>-<cluster>-<shard>`) whose name is over 63 characters: with label tracking (Argo CD before 3.0, or `application.resourceTrackingMethod: label`) every object it applies carries the name in a label, and Kubernetes refuses labels over 63 characters, so the Application never syncs, revocations included',
    remediation: "use annotation tracking (Argo CD 3's default), or a shorter organization or cluster name",
  },
  {
    id: 'shard-limit',
    stage: 'output',
    severity: 'error',
    description: `from the output: a shard over ${withThousands(SHARD_LIMITS.objects)} objects or ${SHARD_LIMITS.bytes / 1024 / 1024} MB (names the shard count that fits)`,
    remediation: 'raise `delivery.shards` to the count the finding names',
  },
  {
    id: 'kubernetes-schema',
    stage: 'output',
    severity: 'error',
    description: 'from the output: an object that does not validate against the Kubernetes API schema',
    remediation: 'report it: orgctl wrote an object the API server refuses',
  },
  {
    id: 'duplicate-object',
    stage: 'output',
    severity: 'error',
    description:
      'from the rendered objects (every kind): two declarations would write one object (kind, namespace, name), e.g. token `deploy` at rotation 1 and a token `deploy-r1`; names both declarations',
    remediation: 'rename one of the two declarations',
  },
  {
    id: 'invalid-object',
    stage: 'output',
    severity: 'error',
    description:
      'from the rendered objects: a name the API server refuses for its kind (Namespace: DNS-1123 label; ServiceAccount, Secret, ConfigMap: DNS-1123 subdomain; RBAC objects: no `/`, no `%`, not `.` or `..`), a label value it refuses, or annotations over 254 KiB (the API server limit of 256 KiB, less what Argo CD adds to each object: its tracking)',
    remediation: 'change the name or text the finding names',
  },
  {
    id: 'object-size',
    stage: 'output',
    severity: 'error',
    description:
      "from the rendered objects: an object over the API server's limits (1 MiB of ConfigMap data, 1.5 MiB for any request), the files of `dist/argocd/` included (the AppProject: a destination per namespace and cluster, and each namespace by name under `namedClusterResources`; the boundary: each cluster's namespaces); membership lists are split over numbered ConfigMaps (`orgctl-invites`, `orgctl-invites-2`, ...) to stay under them, but a record is one line: one that fills a ConfigMap alone is named (a person's grants or a token's custom rules recorded while bound to nothing)",
    remediation:
      'split what the object holds (fewer rules in one custom role, a shorter note; for a record named, fewer rules for that person or token); for the AppProject or the boundary, turn `namedClusterResources` off or split the organization',
  },
  // Change: over a base → head diff, in the privileged review.
  {
    id: 'output-proof',
    stage: 'change',
    severity: 'error',
    description:
      "head `dist/` is not exactly what orgctl renders from the organization it describes: an object orgctl would not write (a binding to `cluster-admin` or any role outside the catalog and the custom roles, a ClusterRoleBinding, an aggregation label, a missing namespace, an unknown kind, an extra field, an extra document or file), with its file and document index. A change of grants alone is proved against base instead (whom the changed RoleBindings bind, and a deactivated person's staged grants as the membership data records them; every other byte base's); anything it cannot prove takes the full proof",
    remediation:
      "nothing: run `npm run synth` and commit `dist/` as written; for an upgrade of orgctl that renders differently, the head's orgctl proves it (`--head-proof`: the review workflow's `head-engine` job) and the `engine-change` approval trusts that version",
  },
  {
    id: 'head-policies',
    stage: 'change',
    severity: 'error',
    description:
      'the organization head describes breaks a policy (`forbidden-grant`, names, sizes, ...), whatever `synth --check` said',
    remediation: 'nothing',
  },
  {
    id: 'actors',
    stage: 'change',
    severity: 'error',
    description: 'no actor is given: a change without an author cannot be judged',
    remediation: 'nothing: name every author (`--actor`)',
  },
  {
    id: 'complete-pull-request',
    stage: 'change',
    severity: 'error',
    description:
      "GitHub did not list the whole pull request (over 3,000 files or 250 commits), or the files it listed are not the head commit's change: the top-level folders and files where the head's tree and the default branch's differ are not those the list names (the pull request moved while it was read, a head moved away and back listing another commit's files; or the head is behind the default branch), or a commit listed is no parent of another listed nor the head (pages of commits read across a push). A change the review cannot see is never passed",
    remediation:
      'nothing: split the pull request; bring a head behind the default branch up to date, or re-run the review',
  },
  {
    id: 'head-up-to-date',
    stage: 'change',
    severity: 'error',
    description:
      "on GitHub, the pull request's head does not contain the default branch's tip (none of the commits GitHub lists has the tip as its parent): GitHub would merge it with a three-way merge into a tree that is not the head judged, and two pull requests reviewed apart would land an output neither review judged (one demotes an admin, the other adds a namespace where admins have `w:full`), which Argo CD applies as it lands. Branch protection's \"require branches to be up to date\" keeps such a merge out too; the review does not rely on it",
    remediation:
      'bring the branch up to date with the default branch (Update branch, a merge or a rebase: the review runs again)',
  },
  {
    id: 'pull-request-base',
    stage: 'change',
    severity: 'error',
    description:
      "the pull request targets a branch other than the default one: the review stands on the default branch's `dist/`, while GitHub lists the commits and files between the pull request's own base and its head, and a verdict belongs to the head commit, whatever pull request it is in",
    remediation: 'retarget the pull request to the default branch (the review runs again)',
  },
  {
    id: 'open-pull-request',
    stage: 'change',
    severity: 'error',
    description:
      'the pull request is closed (merged or not) or a draft: nobody proposes it for merging now, and a verdict belongs to the head commit, whatever pull request it is in (a copy of it, opened by anyone from a fork, would share it)',
    remediation: 'reopen it, or mark it ready for review (the review runs again)',
  },
  {
    id: 'write-access',
    stage: 'change',
    severity: 'error',
    description:
      "on GitHub, an approval, or the pull request's authorship, counts only from an account GitHub says may write to the repository (`permission` `admin` or `write`: GitHub's own required approvals count no one else): an organization member who may only read or triage it, a login that is no collaborator, or an account GitHub lists as neither the owner, a member nor a collaborator (`author_association` `NONE`, `CONTRIBUTOR`, ...), is listed and not counted (an author is then an actor nobody can name); so is an approval by whoever pushed the head commit (an actor: GitHub's Update branch is a push). Fails when GitHub answered none of these questions (a token without the Metadata permission): nobody could be counted",
    remediation:
      "an approval from an admin with write access to the repository (give the admins' team write access, or update the admin's `github:` login); when GitHub answered none, give the review's token the repository's Metadata read permission and re-run the review",
  },
  {
    id: 'delivery-source',
    stage: 'change',
    severity: 'error',
    description:
      "on GitHub, head's Argo CD source is not this repository (`delivery.argocd.repoURL`; a fork's branches are nobody's to review), not the default branch by its full name (`delivery.argocd.revision`) or not `dist` (`delivery.argocd.path`): the review judges pull requests into the default branch only, and only their `dist/`, so anything pushed to the repository, branch or folder Argo CD reads would reach the clusters unreviewed",
    remediation:
      'set `delivery.argocd.repoURL` to this repository, `delivery.argocd.revision` to `refs/heads/<default branch>` and `delivery.argocd.path` to `dist` (the review runs again)',
  },
  {
    id: 'actor-not-admin',
    stage: 'change',
    severity: 'error',
    description:
      "an actor is not an active admin in base (a member, a bot, a second account): an admin approves, and an admin the change gives something (their own access, an address sharing their mailbox included: a subaddress `name+tag@` is delivered to `name@`, a domain in IDNA's ASCII form is the domain it decodes to, Gmail reads no dots in a name and `googlemail.com` as `gmail.com`, Proton, iCloud and Yandex give an account its name on each of their domains (`pm.me`, `me.com`, `ya.ru`) and Proton reads no dots, hyphens or underscores in it, Fastmail delivers `tag@name.fastmail.com` to `name@fastmail.com`, a routed address `name%domain@relay` or `domain!name@relay` is delivered to `name@domain`, and the organization's own mail reads addresses as base declares (`identity.mailDomains`: domain aliases, a separator beside `+`, subdomain addressing); a token they own or are handed) does not count",
    remediation: OTHER_ADMIN,
  },
  {
    id: 'self-edit',
    stage: 'change',
    severity: 'error',
    description:
      "an actor's own privileges change (levels, how long a temporary grant holds, admin, billing, status), theirs being those of every user or invitee sharing their mailbox too (a subaddress `frank+ops@acme.io` is delivered to `frank@acme.io` by most mail providers, `frank@xn--bcher-kva.de` is `frank@bücher.de` (IDNA's ASCII form of its domain), Gmail reads `f.rank@googlemail.com` as `frank@gmail.com`, Proton, iCloud and Yandex give an account its name on each of their domains (`frank@pm.me` is `frank@proton.me`'s, `frank@me.com` is `frank@icloud.com`'s, `frank@ya.ru` is `frank@yandex.ru`'s) and Proton reads no dots, hyphens or underscores in it (`f.rank@pm.me` too), Fastmail delivers `x@frank.fastmail.com` to `frank@fastmail.com` (subdomain addressing), a relay sends `frank%acme.io@relay.io` and `acme.io!frank@relay.io` on to `frank@acme.io` (Postfix by default), and the organization's own mail reads addresses as base's `identity.mailDomains` declares (never head's: `frank@acme.com` is `frank@acme.io`'s where they are aliases, `frank-ops@acme.io` where its mail splits on `-`), so an invitation to any is accepted by frank), or a token they own gains something (created, new namespaces or access, a later expiry; a rename, removal, narrowing or rotation gives nothing), or their grants or tokens reach another cluster (their namespace joins one, or a cluster is added); with a commit whose maker nobody can name (unverified, or signed by GitHub as web-flow), an admin (or an address sharing their mailbox), or a token an admin owns, gaining anything (the maker may be them); the w:full an admin holds in a namespace added or removed, and a token losing a removed namespace, follow from that namespace change and are not edits",
    remediation: 'nothing: another admin must make the change',
  },
  {
    id: 'admin-change-approval',
    stage: 'change',
    severity: 'error',
    description:
      "an admin's privileges change (their GitHub login or declared account id `githubId` too: whoever holds it approves as them; a `usernamePrefix` change changes every admin's identity; what they are granted beside being an admin reaching another cluster, as their namespace joins one or a cluster is added, too; and what a user or invitee sharing their mailbox gains, as `self-edit` reads a mailbox: `frank+x@acme.io` is admin `frank@acme.io`'s, a grant declared while it is deactivated included, once it is reactivated), or someone is made (or invited as) admin, or a token gains access reserved for admins (created, or moved to new namespaces, with `w:full` — the default —, `w:pods`, another admin-only level, or custom rules that run pods, exec, write Secrets, mint tokens...), or such a token changes hands or lifetime (a new owner, a rotation, a later or removed expiry), or reaches another cluster because its namespace joins one or a cluster is added. A token changes hands only rotated: any token taken from a person without a rotation fails whatever the approvals (its old owner keeps the token value); over the rolling window (`--window`), a handover merged earlier fails once it matters (its old owner left, or it holds access reserved for admins and they are no active admin). Whoever the change makes an active admin (made admin, reactivated) or gives another GitHub login, or whose account id it drops, and whom head then declares with a login but no `githubId`, fails whatever the approvals: whoever holds that login would act as them (an admin already so in base stays `admin-github-id`'s warning, so that the change declaring ids can be approved)",
    remediation: `an approval from an admin who is neither an actor nor that person (nor the token's owners, old and new, unless it is only rotated), and two admins behind the change; with one admin, that admin alone; with two, where it concerns one of them, the other makes it and that one approves; an admin made or re-identified by login alone: declare \`githubId\` beside \`github\` in the change (\`${githubIdLookup()}\` prints it)`,
  },
  {
    id: 'owner-immutable',
    stage: 'change',
    severity: 'error',
    description:
      "the owner is changed, demoted, deactivated or removed, or the owner's GitHub login changes, or a GitHub account id (`githubId`) the owner declares changes or is dropped (whoever holds it acts and approves as the owner; declaring one where none was is an admin change)",
    remediation: 'nothing: only support can',
  },
  {
    id: 'mass-removal',
    stage: 'change',
    severity: 'error',
    description: `access is removed from more than ${percent(ORG_DEFAULTS.massRemovalThreshold)} (\`spec.review.massRemovalThreshold\`, read from base) of active users, grants or live tokens (neither deactivated nor expired on the review's date) and from at least ${MINIMUM_REMOVALS}, or from more than half of a set of at least ${SMALL_SET} (2 of 3 tokens)`,
    remediation: 'smaller removals (within the limit), or the override',
    override:
      'the label `orgctl/override-mass-removal` (`--override mass-removal`), applied by an admin (on GitHub, whoever last applied it: anyone who may triage can), and an approval from an admin who is not an actor',
  },
  {
    id: 'cluster-removal',
    stage: 'change',
    severity: 'error',
    description:
      'a cluster is removed (its objects stay, unmanaged) or a namespace leaves a cluster (its grants there are pruned): access per cluster is not in the per-person lines',
    remediation: OTHER_ADMIN,
  },
  {
    id: 'engine-change',
    stage: 'change',
    severity: 'error',
    description:
      "a file outside `org/` and `dist/` changes (policies, constructs, workflows, package files), or one inside a folder of them that base's lock (`npm-shrinkwrap.json`, which npm installs from first, else `package-lock.json`) installs a package from (a linked folder, a `file:` tarball or folder: what the workflows run, with the `node_modules` and `tsconfig.json` above it), or in either when that lock cannot be read as npm reads it (a symbolic link, too large, not JSON, git's conflict markers: what it installs is unknown) or installs one from outside the repository (which may be the repository itself where it is checked out: on GitHub's runners `../REPO/` and `~/work/REPO/REPO/` are), or a remote source nothing pins (a tarball without a sha512 integrity, a git source at a branch or none, GitHub's `OWNER/REPO` shorthand, `git@HOST:PATH` and a GitHub, GitLab or Bitbucket repository's https URL included, whose integrity npm skips: npm ci installs whatever it serves then, which may be the repository's own files), each source read as npm reads it (an entry without `resolved` by its `version`: npm installs `NAME@VERSION`); or only `dist/` changes (with, at most, files of `org/` that are neither code nor data: a README) and someone gains something (`dist/` changes alone when a grant or token expires, which only removes: a gain is declared in `org/`); or `package.json` names a command `orgctl` or renames the project `orgctl` (`npx orgctl` would run the project's file), outside orgctl's own repository, or bundles dependencies (`bundleDependencies`: npm fetches what the project bundles, and what that bundles, from the lock)",
    remediation: `${OTHER_ADMIN}; base's lock unreadable: make it a lock as npm writes it, in a change of its own; a gain in a change of \`dist/\` alone: nothing, declare it in \`org/\`; a command \`orgctl\` in \`package.json\`: name it otherwise; \`bundleDependencies\` in it: remove them`,
  },
  {
    id: 'repository-tree',
    stage: 'change',
    severity: 'error',
    description: `head's whole tree (not only \`dist/\`, and not only what the change touches) holds what stops Argo CD's checkout of the repository, and with it every Application of the organization, revocations included, until it is gone: a symbolic link anywhere (Argo CD refuses every Application of a repository holding one that is absolute or climbs above the repository at any step; orgctl refuses them all: the repository needs none, and GitHub's listing of the tree gives no link's target), a submodule (Argo CD clones each at every checkout, and a failure stops it; its files are checked as the repository's own), a \`.gitattributes\` below the top folder (it sets filters and encodings for the files under it, and Argo CD's git runs Git LFS's filter, required: a file it cannot turn back stops the checkout; a nested one under \`org/\` is no \`engine-change\`), or a name over ${TREE_NAME_LIMITS.name} bytes or a path over ${withThousands(TREE_NAME_LIMITS.path)} bytes (git cannot create the one, nor Argo CD walk the other within Linux's 4,096 bytes once its checkout's folder leads it); or, on GitHub, head's tree cannot be read whole (GitHub truncated it). Judged where head is a git ref or a pull request's head commit; a folder given as \`--head\` is not`,
    remediation:
      "replace each symbolic link with a copy of the file it names, remove each submodule (and `.gitmodules`), move the attributes into the top folder's `.gitattributes` (an `engine-change`), shorten the name",
  },
  {
    id: 'settings-change',
    stage: 'change',
    severity: 'error',
    description:
      "an organization setting changes: the organization's name, `identity.usernamePrefix`, `identity.mailDomains` (which addresses the rules read as one person's mailbox), `sso.enforced`, `clusters`, `delivery.shards`, `review.massRemovalThreshold`, `safeCustomResources` (each group added, changed or removed, with its reason), the Argo CD source (`repoURL`, `revision`, `path`, `namespace`), whether its AppProject names each cluster-scoped object (`namedClusterResources`) and the boundary of what Argo CD writes (`boundary`: turned off, or judging another identity). None shows in a person's access lines, so the comment says what each does (`usernamePrefix '' → 'oidc:'`: every person's Kubernetes identity changes; `repoURL`: Argo CD will apply manifests from another repository; `shards 32 → 64`: objects move between Argo CD Applications)",
    remediation: `${OTHER_ADMIN}; no override`,
  },
  {
    id: 'guard-rails',
    stage: 'change',
    severity: 'error',
    description:
      "a namespace's guard rails are weakened: a lower Pod Security level (`enforce`, `warn` or `audit`, the organization's default included) or an older policy version pinned, a new namespace below the organization's default, a larger ResourceQuota or LimitRange value (a smaller `min`), a quota, limit range, quota entry or default NetworkPolicy removed (the namespace's removal too: it keeps running, `Prune=false`, and Argo CD prunes them), someone other than an admin (a person or a token) given writes of the guard rail's kind where it is declared (NetworkPolicies, ResourceQuotas or their status, which the quota admission enforces, LimitRanges; the Namespace itself, or its status or finalize, where Pod Security (its labels) applies or labels are declared and namespace protection is off, or annotations are declared, which protection does not cover. One more NetworkPolicy admits what `same-namespace` denies, and Argo CD never prunes it; a finalizer of the writer's on orgctl's object holds the shard's sync forever once Argo CD prunes it), namespace protection turned off or exempting another identity, a namespace's `adminsOnly` turned off, or such a namespace removed (declared again later, it would be new and open to grants); or a namespace's labels or annotations changed, or given with a new namespace (tools orgctl does not know act on them: it may weaken). The comment lists every guard-rail change per namespace; strengthening ones pass",
    remediation: `${OTHER_ADMIN}; no override`,
  },
  {
    id: 'argocd-identity-base',
    stage: 'change',
    severity: 'error',
    description:
      "`argocd-identity` over what the change leaves in the cluster: head's `appliedBy` (namespace protection, the boundary) names an identity base gives access to that head no longer declares: a ServiceAccount of base's system namespace (the organization renamed: its tokens keep working until an admin deletes them), or of a namespace removed (the Namespace and what runs in it stay, `Prune=false`), a user or invitee removed, or a person's username under base's `usernamePrefix`; with `--window`, an identity the window's older output gives access to too",
    remediation: 'nothing: name only the identities Argo CD applies with',
  },
  {
    id: 'system-namespace-base',
    stage: 'change',
    severity: 'error',
    description:
      "`system-namespace` over what the change leaves in the cluster: head (the organization renamed) declares base's system namespace as an ordinary namespace: it stays (`Prune=false`), and in it base's token ServiceAccounts and their Secrets until an admin deletes them, open to whoever head grants there; or head's system namespace is an ordinary namespace of base: base's RoleBindings there stay until an admin deletes them, and reach every token Secret head writes there; with `--window`, the window's older output's namespaces too",
    remediation:
      'nothing: choose another name for the namespace or the organization; to rename the organization onto a namespace it declares, remove that namespace in a change of its own first (Argo CD prunes its RoleBindings)',
  },
  {
    id: 'lookalike-identity',
    stage: 'change',
    severity: 'error',
    description:
      "an email (a user's or an invitee's) or a GitHub login new in head reads as another of head, base or `--window`'s older output (UTS #39's skeleton: marks dropped, `rn` for `m`, `vv` for `w`, `cl` for `d`, `0` for `o`, `1` for `l`, every look-alike `invalid-text` knows, and a domain in IDNA's ASCII form decoded): `bob@acme.io` removed and `bob@acrne.io` or `bob@acmẹ.io` added read as no change, yet Kubernetes binds another identity (a domain anyone may register); a login `a1ice` for alice counts the approvals of the account a1ice as hers. Real names read alike too (`dara`, `clara`), so the comment spells each name out (every character outside ASCII by its code point) for an admin to decide. Names both in base are not judged again",
    remediation: `${OTHER_ADMIN}, having read each name as the comment spells it; no override`,
  },
  {
    id: 'near-duplicate-user',
    stage: 'change',
    severity: 'warning',
    description:
      "a user or pending invitee new in head one slip from a user of base that head keeps: the same domain and names one edit apart (a letter missed, doubled or wrong, or two swapped; the name meant three letters or more; numbered accounts such as `user1` and `user2` left out), or the same name and domains up to two edits apart where no user of base uses the new domain (`pet@exmaple.com` beside `pet@example.com`). `org.user(email)` declares whoever it names, so a slip declares another person (invited, given the grant) and leaves the one meant as they were. A warning: the review passes, the comment marks it ⚠️. Names that read as one are `lookalike-identity`'s",
    remediation:
      'correct the email where the new user or invitee is declared, if the one named was meant; if it is another person, nothing',
  },
  {
    id: 'departing-admin-tokens',
    stage: 'change',
    severity: 'warning',
    description:
      "an admin leaves (deactivated, removed or no longer admin) while tokens live in base keep their ServiceAccounts in head: being an admin, they held `w:full` in the system namespace and could read each token's Secret (the hand-over is an admin reading it), and a value read once works until its ServiceAccount goes (the seed: a departing user's API tokens are removed by hand). The person's line names the tokens; one rotated, deactivated, removed or expiring in the change, or created in it, is not named. Over the rolling window (`--window`), an admin who left since its older output too, with the tokens head keeps from it (deactivated in one pull request and reactivated unrotated in the next: the old value works if Argo CD did not delete the ServiceAccount in between). A warning: the review passes, the comment marks it ⚠️, since whether they read a value is not in git",
    remediation:
      'raise the rotation of each token named (`rotation`, `.rotate()`) in the same change, or deactivate or remove it, and hand the new tokens over',
  },
  {
    id: 'deactivated-mailbox',
    stage: 'change',
    severity: 'error',
    description:
      "an address of a deactivated or removed user's mailbox (as `self-edit` reads a mailbox: a subaddress `bob+new@` is delivered to `bob@`, ...) gains anything: an invitation, a user's access, admin or billing, a token it owns. The user deactivated in base and not reactivated in head, or deactivated by the change, is meant to hold nothing, and so is one removed (the seed removes a user completely), by the change or, over the rolling window (`--window`), since its older output, and whoever reads their mail accepts the invitation or logs in as the address, while the comment reads a newcomer; the person may be no author the review can name (a second GitHub account, a colleague's pull request). A mailbox whose own address is an active user's is theirs, not the gone address's: `frank+ops@` deactivated leaves what `frank@` (active) gains to frank. And the change that deactivates or removes a user fails while such an address stays an active user holding anything (access, admin, billing, a token live on the review's date: one deactivated or expired is no access, and its reactivation or renewal a gain judged then) or a pending invitation, declared while they were active: whatever it holds stays with them, while the comment reads that they leave; and the change that makes an admin no longer one, while such an address stays an admin (or invited as one)",
    remediation:
      'reactivate the user (or declare a removed one again) in the same change (the review says so, and judges it as such), or give the access to an address that is not theirs; for a user leaving, deactivate or remove each such address (or withdraw or revoke its invitation) in the same change, for an admin demoted, make each such address no admin; no approval lifts it',
  },
  {
    id: 'org-code',
    stage: 'change',
    severity: 'warning',
    description:
      "a code file of `org/` the change adds or modifies (`.ts`, `.mts`, `.cts`, `.tsx`, `.js`, `.mjs`, `.cjs`, `.jsx`, read from head's git objects, never run) reaches beyond orgctl's constructs: it imports anything but `org/`'s own files and JSON, orgctl (or, in orgctl's own repository, `constructs/`), the `constructs` package and cdk8s's `App` and `Chart` (a `node:` module, another package, a file outside `org/`, a `data:` URL, cdk8s's `Include` or `Yaml`, which read any file or URL), or calls `import()` with a computed name; it reads a capability global, free (not a local of that name): `process`, `globalThis`, `global`, `require`, `module`, `eval`, `Function`, `fetch`, `Buffer`, `WebAssembly`, `XMLHttpRequest`, `WebSocket`, `EventSource`, `localStorage`, `sessionStorage`, `Reflect`, `Proxy`, or `import.meta` beyond its `url`, `dirname` and `filename`; it names `constructor` (a function's is Function: `(() => {}).constructor('return process')()`), `__proto__`, `getOwnPropertyDescriptor(s)`, `__lookupGetter__`, `__lookupSetter__`, `prepareStackTrace`, cdk8s's `outdir`, or a prototype (`prototype`, `getPrototypeOf`, `setPrototypeOf`: a patched builtin changes what orgctl's constructs compute in the declaration's process), or reads a member by a computed key (`x[k]`, which may be any of these); or a `tsconfig`, `jsconfig` or `package.json` of `org/` changes (it decides what synth's imports resolve to). Each by path and line, as esbuild (synth's own parser) reads it: constants folded (`globalThis['pro' + 'cess']` is `globalThis.process`), comments and types gone. Once merged, `org/` code runs wherever synth runs next (every admin's machine at `npm run synth`, in a process of its own under Node's permission model, which Node calls a seat belt, not a sandbox), while the access diff shows only what it grants. A warning: the review passes, the comment marks it ⚠️ for the approving admin. A disclosure, not a sandbox: code can compute what no reading sees. Judged where head is a git ref or a pull request's head commit; a folder given as `--head` is not",
    remediation:
      "read this code before approving: a declaration needs only orgctl's constructs; move what it reaches for out of `org/` (a script outside it is an `engine-change`), or approve it knowing what it runs",
  },
] as const satisfies readonly RuleInfo[];

/** A rule id the registry holds: what findings and review results carry. */
export type RuleId = (typeof RULES)[number]['id'];

export const RULE_BY_ID: ReadonlyMap<RuleId, RuleInfo> = new Map(RULES.map((r) => [r.id, r]));

/** The rules of one stage, in the registry's order. */
export const rulesOf = (stage: RuleStage): RuleInfo[] => RULES.filter((r) => r.stage === stage);

/** The rules an approved override may lift; every other rule holds whatever the labels say. */
export const OVERRIDABLE_RULES: readonly RuleId[] = RULES.filter(
  (r): r is Extract<(typeof RULES)[number], { override: string }> => 'override' in r,
).map((r) => r.id);
