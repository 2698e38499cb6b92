// LLB capability ids (BuildKit's solver/pb caps): what an op needs from the daemon, recorded in OpMetadata.caps.

/**
 * Capability ids as BuildKit spells them. The marshaller records the ones each op needs in
 * `OpMetadata.caps`, exactly as Go's client does, so a frontend can compare them with the
 * `LLBCaps` a daemon reports in Ping before it sends a graph the daemon cannot run.
 * (The misspelt `soruce.http.uidgid` is upstream's id and must stay as it is.)
 */
export const Caps = {
  sourceImage: "source.image",
  sourceImageResolveMode: "source.image.resolvemode",
  sourceImageLayerLimit: "source.image.layerlimit",
  sourceImageChecksum: "source.image.checksum",
  sourceLocal: "source.local",
  sourceLocalUnique: "source.local.unique",
  sourceLocalSessionID: "source.local.sessionid",
  sourceLocalIncludePatterns: "source.local.includepatterns",
  sourceLocalFollowPaths: "source.local.followpaths",
  sourceLocalExcludePatterns: "source.local.excludepatterns",
  sourceLocalSharedKeyHint: "source.local.sharedkeyhint",
  sourceLocalDiffer: "source.local.differ",
  sourceLocalMetadataTransfer: "source.local.metadatatransfer",
  sourceGit: "source.git",
  sourceGitKeepDir: "source.git.keepgitdir",
  sourceGitFullURL: "source.git.fullurl",
  sourceHTTP: "source.http",
  sourceHTTPChecksum: "source.http.checksum",
  sourceHTTPPerm: "source.http.perm",
  sourceHTTPUIDGID: "soruce.http.uidgid",
  sourceOCILayout: "source.ocilayout",
  sourceBuildOpLLBFileName: "source.buildop.llbfilename",

  execMetaBase: "exec.meta.base",
  execMetaCgroupParent: "exec.meta.cgroup.parent",
  execMetaNetwork: "exec.meta.network",
  execMetaProxy: "exec.meta.proxyenv",
  execMetaSecurity: "exec.meta.security",
  execMetaSetsDefaultPath: "exec.meta.setsdefaultpath",
  execMetaUlimit: "exec.meta.ulimit",
  execMetaRemoveMountStubsRecursive: "exec.meta.removemountstubs.recursive",
  execMountBind: "exec.mount.bind",
  execMountBindReadWriteNoOutput: "exec.mount.bind.readwrite-nooutput",
  execMountCache: "exec.mount.cache",
  execMountCacheSharing: "exec.mount.cache.sharing",
  execMountSelector: "exec.mount.selector",
  execMountTmpfs: "exec.mount.tmpfs",
  execMountTmpfsSize: "exec.mount.tmpfs.size",
  execMountSecret: "exec.mount.secret",
  execMountSSH: "exec.mount.ssh",
  execMountContentCache: "exec.mount.cache.content",
  execSecretEnv: "exec.secretenv",
  execValidExitCode: "exec.validexitcode",

  fileBase: "file.base",
  fileRmWildcard: "file.rm.wildcard",
  fileCopyIncludeExcludePatterns: "file.copy.includeexcludepatterns",
  fileCopyRequiredPaths: "file.copy.requiredpaths",
  fileCopyAlwaysReplaceExistingDestPaths: "file.copy.alwaysreplaceexistingdestpaths",
  fileCopyModeStringFormat: "file.copy.modestring",
  fileSymlinkCreate: "file.symlink.create",

  constraints: "constraints",
  platform: "platform",
  metaIgnoreCache: "meta.ignorecache",
  metaDescription: "meta.description",
  metaExportCache: "meta.exportcache",
  mergeOp: "mergeop",
  diffOp: "diffop",
} as const;

/** One of BuildKit's LLB capability ids. */
export type CapID = (typeof Caps)[keyof typeof Caps];
