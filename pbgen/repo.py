"""A department's (or a finance bureau's) git repository, set up by ``pbgen init``.

- ``.gitattributes`` marks filings ``diff=pbgen``, and the repository's own git config names
  the driver: ``pbgen diff --textconv`` turns a filing into an outline in the document's terms,
  so ``git diff`` and ``git log -p`` show 项目「…」 › 预算数 lines, one clause per line.
- A pre-commit hook runs ``pbgen check`` on the filings being committed: a plain git hook
  (works without any other tool), and ``.pre-commit-config.yaml`` for those who use pre-commit.
  「待填」 does not block a commit (a half-filled filing is work in progress); any other error does.
- ``core.quotepath false``: git shows Chinese file names as they are.
- A CI recipe (GitLab CI, or GitHub/Gitea/Forgejo Actions) checks every filing on every push,
  renders them and keeps the documents as the pipeline's artifacts.

Nothing a user already has is overwritten: existing files and hooks are kept as they are.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from pbgen.errors import PbgenError
from pbgen.write import append_missing_lines, write_atomic

ATTRIBUTES = ["*.yaml diff=pbgen", "*.yml diff=pbgen"]

PRE_COMMIT_CONFIG = """\
# pre-commit（https://pre-commit.com）：提交前检查绩效文本。
# 已装 pre-commit 时运行一次 `pre-commit install --overwrite` 即生效；
# 没装也不要紧：pbgen init 已装好同样作用的 git 钩子（.git/hooks/pre-commit）。
repos:
  - repo: local
    hooks:
      - id: pbgen-check
        name: pbgen check（检查绩效文本）
        entry: pbgen check --only-filings --allow-unfilled
        language: system
        types: [yaml]
        exclude: '(^|/)\\.'
"""

HOOK = """\
#!/bin/sh
# pbgen：提交前检查要提交的绩效文本（由 pbgen init 安装；删除本文件即停用）。
# 有错误时不提交；只有警告或「待填」时照常提交（写了一半也可以提交，并说还有几处待填）。
# 确需跳过检查：git commit --no-verify
list=$(mktemp) || exit 1
trap 'rm -f "$list"' EXIT
git diff --cached --name-only --diff-filter=ACMR -z -- '*.yaml' '*.yml' > "$list"
[ -s "$list" ] || exit 0
if ! xargs -0 {pbgen} check --only-filings --allow-unfilled -- < "$list"; then
    echo "提交已取消：请先改正上面的错误，再 git add 并重新提交。" >&2
    exit 1
fi
"""

GITLAB_CI = """\
# GitLab CI：每次推送都检查所有绩效文本，生成 DOCX/PDF（公开表另有 XLSX），
# 生成的文件作为流水线的产物保留 90 天（在流水线页面「下载产物」）。
# 由 pbgen init 写入；PBGEN 可在「设置 → CI/CD → 变量」里改为本单位的安装来源。
variables:
  PBGEN: "pbgen"        # pip 安装来源：包名，或 git+https://…/pbgen.git
  PIP_DISABLE_PIP_VERSION_CHECK: "1"

default:
  image: python:3.11-slim-bookworm
  before_script:
    - apt-get update -qq
    - apt-get install -y -qq --no-install-recommends fonts-noto-cjk fonts-lxgw-wenkai fonts-hanazono
      libharfbuzz-subset0 git > /dev/null
    - pip install --quiet "$PBGEN"

检查:
  stage: test
  script:
    - pbgen check .

生成:
  stage: test
  script:
    - pbgen render . -o output/
  artifacts:
    name: "绩效文本-$CI_COMMIT_SHORT_SHA"
    when: always
    expire_in: 90 days
    paths:
      - output/
"""

GITHUB_CI = """\
# GitHub Actions（Gitea、Forgejo Actions 同样可用）：每次推送都检查所有绩效文本，
# 生成 DOCX/PDF（公开表另有 XLSX），生成的文件作为产物保留（在运行页面下载）。
# 由 pbgen init 写入；PBGEN 可在仓库的 Variables 里改为本单位的安装来源。
name: pbgen
on: [push, pull_request, workflow_dispatch]
env:
  PBGEN: ${{ vars.PBGEN || 'pbgen' }}
jobs:
  pbgen:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: 安装 pbgen 和字体
        run: |
          sudo apt-get update -qq
          sudo apt-get install -y -qq --no-install-recommends fonts-noto-cjk fonts-lxgw-wenkai fonts-hanazono libharfbuzz-subset0
          pip install --quiet "$PBGEN"
      - name: 检查
        run: pbgen check .
      - name: 生成
        if: ${{ !cancelled() }}
        run: pbgen render . -o output/
      - uses: actions/upload-artifact@v4
        if: ${{ !cancelled() }}
        with:
          name: 绩效文本
          path: output/
"""

CI_RECIPES = {
    "gitlab": (".gitlab-ci.yml", GITLAB_CI),
    "github": (".github/workflows/pbgen.yml", GITHUB_CI),
    "gitea": (".gitea/workflows/pbgen.yml", GITHUB_CI),
}


def pbgen_command() -> str:
    """How git should start this pbgen: ``pbgen`` when it is on PATH, else its full path."""
    on_path = shutil.which("pbgen")
    here = Path(sys.executable).with_name("pbgen")
    if on_path and (not here.exists() or Path(on_path).resolve() == here.resolve()):
        return "pbgen"
    if here.exists():
        return shlex.quote(str(here))
    return f"{shlex.quote(sys.executable)} -m pbgen"


def git(folder: Path, *args: str, check: bool = True) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        raise PbgenError(
            "找不到 git：请先安装 git（https://git-scm.com），再运行 pbgen init。"
        ) from None
    if check and done.returncode != 0:
        raise PbgenError(f"git {' '.join(args)} 失败：{done.stderr.strip()}")
    return done.stdout.strip()


def init_repository(folder: Path | str, ci: str = "gitlab") -> list[Path]:
    """Make ``folder`` (or the repository it is in) ready: returns the files written."""
    folder = Path(folder)
    if shutil.which("git") is None:
        return []
    if git(folder, "rev-parse", "--is-inside-work-tree", check=False) != "true":
        git(folder, "init", "--quiet")
    root = Path(git(folder, "rev-parse", "--show-toplevel"))
    written: list[Path] = []
    if append_missing_lines(folder / ".gitattributes", ATTRIBUTES):
        written.append(folder / ".gitattributes")
    configure_diff(folder)
    git(folder, "config", "core.quotepath", "false")  # 中文文件名 in git's output, not \344\271\220
    written += _write_new(root / ".pre-commit-config.yaml", PRE_COMMIT_CONFIG)
    hook = Path(git(folder, "rev-parse", "--path-format=absolute", "--git-path", "hooks"))
    written += _write_new(hook / "pre-commit", HOOK.format(pbgen=pbgen_command()), mode=0o755)
    if ci in CI_RECIPES:
        name, text = CI_RECIPES[ci]
        written += _write_new(root / name, text)
    elif ci != "none":
        raise PbgenError(f"不认识的 CI「{ci}」：可选 {'、'.join(CI_RECIPES)} 或 none。")
    return written


def configure_diff(folder: Path) -> None:
    """The textconv driver in the repository's own config (git never takes it from a file in
    the repository, for safety): filings diff as outlines, hunks headed by their project."""
    command = pbgen_command()
    git(folder, "config", "diff.pbgen.textconv", f"{command} diff --textconv")
    git(folder, "config", "diff.pbgen.xfuncname", "^ *(项目「.*)$\n^([^ ].*)$")
    git(folder, "config", "diff.pbgen.wordRegex", "[^[:space:]]")  # --word-diff: by character
    git(folder, "config", "diff.pbgen.cachetextconv", "true")  # git log -p: each version once


def _write_new(path: Path, text: str, mode: int | None = None) -> list[Path]:
    if path.exists():
        return []
    write_atomic(path, text.encode("utf-8"))
    if mode is not None:
        path.chmod(mode)
    return [path]
