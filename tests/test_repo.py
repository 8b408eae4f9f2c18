"""A department's repository made by ``pbgen init``: it checks on commit (a real ``git commit``
running the hook), shows ``git diff`` in the document's terms, and survives a renamed key
through ``pbgen migrate``; the CI recipe runs pbgen's steps."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pbgen.cli import app
from pbgen.repo import CI_RECIPES

from conftest import CLEAN, ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    "GIT_AUTHOR_NAME": "科员",
    "GIT_AUTHOR_EMAIL": "clerk@example.com",
    "GIT_COMMITTER_NAME": "科员",
    "GIT_COMMITTER_EMAIL": "clerk@example.com",
    "LC_ALL": "C.UTF-8",
}


def git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        env=ENV,
        check=check,
    )


@pytest.fixture
def repository(tmp_path) -> Path:
    folder = tmp_path / "乐亭县政协"
    result = CliRunner().invoke(
        app, ["init", str(folder), "--department", "乐亭县政协", "--year", "2025"]
    )
    assert result.exit_code == 0, result.output
    return folder


def test_init_sets_up_the_repository(repository):
    assert (repository / ".git").is_dir()
    assert "*.yaml diff=pbgen" in (repository / ".gitattributes").read_text("utf-8")
    textconv = git(repository, "config", "diff.pbgen.textconv").stdout
    assert textconv.strip().endswith("diff --textconv")
    assert git(repository, "config", "diff.pbgen.cachetextconv").stdout.strip() == "true"
    hook = repository / ".git" / "hooks" / "pre-commit"
    assert os.access(hook, os.X_OK)
    config = yaml.safe_load((repository / ".pre-commit-config.yaml").read_text("utf-8"))
    entry = config["repos"][0]["hooks"][0]["entry"]
    assert entry == "pbgen check --only-filings --allow-unfilled"
    assert (repository / ".gitlab-ci.yml").is_file()
    assert git(repository, "config", "core.quotepath").stdout.strip() == "false"


def test_chinese_file_names_show_as_written(repository):
    git(repository, "add", "-A")
    assert "乐亭县政协-2025.yaml" in git(repository, "status", "--short").stdout
    assert "\\344" not in git(repository, "status", "--short").stdout


def test_a_half_filled_filing_commits_with_the_count_of_what_is_left(repository):
    """「待填」 is work in progress: the untouched skeleton commits, and the hook says how many
    are left; one more error of any other kind still stops the commit."""
    filing = repository / "乐亭县政协-2025.yaml"
    skeleton = filing.read_text("utf-8")
    checked = subprocess.run(
        [BIN / "pbgen", "check", filing], capture_output=True, text=True, env=ENV
    )
    assert checked.returncode == 1 and "错误 [to-fill]" in checked.stdout
    left = checked.stdout.count("[to-fill]")
    git(repository, "add", "-A")
    done = git(repository, "commit", "-m", "骨架")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"还有 {left} 处「待填」" in done.stdout + done.stderr
    half = skeleton.replace("name: 待填", "name: 委员视察经费", 1)
    half = half.replace('budget: "0.00"', 'budget: "5.00"').replace(
        'fiscal: "0.00"', 'fiscal: "6.00"'
    )
    assert half.count("待填") < skeleton.count("待填") and 'fiscal: "6.00"' in half
    filing.write_text(half, "utf-8")
    git(repository, "add", "-A")
    refused = git(repository, "commit", "-m", "填了一半", check=False)
    assert refused.returncode != 0
    assert "错误 [budget-split]" in refused.stdout + refused.stderr
    assert "[to-fill]" not in refused.stdout + refused.stderr  # counted, not listed
    assert git(repository, "rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_commit_is_checked_by_the_hook(repository):
    filing = repository / "乐亭县政协-2025.yaml"
    shutil.copy(CLEAN, filing)
    git(repository, "add", "-A")
    done = git(repository, "commit", "-m", "初稿")
    assert done.returncode == 0, done.stderr
    broken = CLEAN.read_text("utf-8").replace('budget: "10.00"', 'budget: "11.00"')
    assert broken != CLEAN.read_text("utf-8")
    filing.write_text(broken, "utf-8")
    git(repository, "add", "-A")
    refused = git(repository, "commit", "-m", "改金额", check=False)
    assert refused.returncode != 0
    assert "错误 [budget-split]" in refused.stdout + refused.stderr
    assert "提交已取消" in refused.stderr
    assert git(repository, "rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_git_diff_and_log_show_the_document(repository):
    filing = repository / "乐亭县政协-2025.yaml"
    shutil.copy(CLEAN, filing)
    git(repository, "add", "-A")
    git(repository, "commit", "-m", "初稿")
    text = CLEAN.read_text("utf-8")
    text = text.replace("组织委员开展视察。", "组织委员开展专题视察。")
    filing.write_text(text.replace("value: ≥3次", "value: ≥4次"), "utf-8")
    diff = git(repository, "diff").stdout
    assert (
        "-        资金用途：组织委员开展视察。\n+        资金用途：组织委员开展专题视察。" in diff
    )
    assert "@@ 项目「委员视察经费」" in diff  # the hunk names the project
    assert "-                指标值：≥3次\n+                指标值：≥4次" in diff
    git(repository, "commit", "-qam", "预算调整")
    log = git(repository, "log", "-p", "-1").stdout
    assert diff[diff.index("@@") :] in log  # git log -p shows the same


def test_a_renamed_key_survives_through_migrate(repository):
    """An old filing (format 1, department.head) is refused on commit with the command that
    upgrades it; after pbgen migrate it commits, and neither pbgen diff nor git diff shows the
    rename as a change."""
    filing = repository / "附表.yaml"
    old = (
        CLEAN.read_text("utf-8")
        .replace("pbgen: 3  # 文件格式版本；升级用 pbgen migrate\n", "")
        .replace("  filled_by: 张三\n", "  filled_by: 张三\n  head: 李四\n")
    )
    filing.write_text(old, "utf-8")
    git(repository, "add", "-A")
    refused = git(repository, "commit", "-m", "旧文件", check=False)
    assert refused.returncode != 0
    assert f"pbgen migrate {'附表.yaml'}" in refused.stdout + refused.stderr
    git(repository, "commit", "--no-verify", "-qm", "旧文件（未检查）")
    migrated = subprocess.run(
        [BIN / "pbgen", "migrate", filing], capture_output=True, text=True, env=ENV
    )
    assert migrated.returncode == 0 and "head → signed_by" in migrated.stdout
    git(repository, "add", "-A")
    done = git(repository, "commit", "-m", "升级格式")
    assert done.returncode == 0, done.stdout + done.stderr
    review = subprocess.run(
        [BIN / "pbgen", "diff", "HEAD~1", filing], capture_output=True, text=True, env=ENV
    )
    assert review.returncode == 0 and "内容相同" in review.stdout  # a rename is no change
    textconv = git(repository, "diff", "HEAD~1", "--", "附表.yaml").stdout
    assert "@@" not in textconv  # nor in git's view


@pytest.mark.skipif(shutil.which("pre-commit", path=ENV["PATH"]) is None, reason="no pre-commit")
def test_pre_commit_runs_the_same_check(repository, tmp_path):
    env = {**ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}
    installed = subprocess.run(
        ["pre-commit", "install", "--overwrite"], cwd=repository, env=env, capture_output=True
    )
    assert installed.returncode == 0, installed.stderr
    filing = repository / "乐亭县政协-2025.yaml"
    filing.write_text(
        CLEAN.read_text("utf-8").replace('budget: "10.00"', 'budget: "11.00"'),
        "utf-8",
    )
    subprocess.run(["git", "add", "-A"], cwd=repository, env=env, check=True)
    refused = subprocess.run(
        ["git", "commit", "-m", "x"], cwd=repository, env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "budget-split" in refused.stdout + refused.stderr


@pytest.mark.skipif(shutil.which("pre-commit", path=ENV["PATH"]) is None, reason="no pre-commit")
def test_pre_commit_files_are_valid(repository):
    for command, path in (
        ("validate-manifest", ROOT / ".pre-commit-hooks.yaml"),
        ("validate-config", repository / ".pre-commit-config.yaml"),
    ):
        done = subprocess.run(["pre-commit", command, path], env=ENV, capture_output=True)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("ci", sorted(CI_RECIPES))
def test_ci_recipe_runs_pbgen_on_every_filing(ci, tmp_path):
    """The recipe is valid YAML; its pbgen steps, run in a repository of two departments,
    check every filing and leave the documents where the recipe keeps its artifacts."""
    folder = tmp_path / "财政局"
    result = CliRunner().invoke(app, ["init", str(folder / "教育局"), "--ci", ci])
    assert result.exit_code == 0, result.output
    name, _ = CI_RECIPES[ci]
    recipe_path = folder / "教育局" / name
    assert recipe_path.is_file()
    recipe = yaml.safe_load(recipe_path.read_text("utf-8"))
    text = recipe_path.read_text("utf-8")
    assert "pbgen check ." in text and "pbgen render . -o output/" in text
    if ci == "gitlab":
        assert recipe["生成"]["artifacts"]["paths"] == ["output/"]
    else:
        steps = recipe["jobs"]["pbgen"]["steps"]
        assert steps[-1]["with"]["path"] == "output/"
    for skeleton in (folder / "教育局").glob("*.yaml"):
        skeleton.unlink()  # 待填 everywhere: the departments' filings take its place
    for department in ("教育局", "卫健委"):
        (folder / department).mkdir(exist_ok=True)
        shutil.copy(CLEAN, folder / department / "2025.yaml")
    checked = subprocess.run(
        [BIN / "pbgen", "check", "."], cwd=folder, capture_output=True, text=True, env=ENV
    )
    assert checked.returncode == 0, checked.stdout
    assert "检查了 2 个文件" in checked.stdout  # the recipe and configs are not filings
    rendered = subprocess.run(
        [BIN / "pbgen", "render", ".", "-o", "output/", "-f", "pdf"],
        cwd=folder,
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert sorted(p.relative_to(folder / "output").as_posix() for p in folder.rglob("*.pdf")) == [
        "卫健委/2025.pdf",
        "教育局/2025.pdf",
    ]


def test_a_filing_named_with_a_leading_dash_passes_the_hook(repository):
    """The hook hands git's file names to `pbgen check` after ``--``: -dash.yaml is a file,
    not an option, and a clean one is committed."""
    shutil.copy(CLEAN, repository / "-dash.yaml")
    git(repository, "add", "--", "-dash.yaml")
    done = git(repository, "commit", "-m", "初稿", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = CLEAN.read_text("utf-8").replace('budget: "10.00"', 'budget: "11.00"')
    (repository / "-dash.yaml").write_text(broken, "utf-8")
    git(repository, "add", "--", "-dash.yaml")
    refused = git(repository, "commit", "-m", "改金额", check=False)
    assert refused.returncode != 0 and "-dash.yaml" in refused.stdout + refused.stderr
