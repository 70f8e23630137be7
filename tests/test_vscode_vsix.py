"""tools/build_vsix.py: the .vsix built without Node has vsce's layout, the manifest says what
package.json says, every file of the extension is in it, and the same sources give the same bytes."""
import importlib.util
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_vsix", ROOT / "tools" / "build_vsix.py")
build_vsix = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_vsix)
NS = {"v": build_vsix.VSX}


@pytest.fixture(scope="module")
def vsix(tmp_path_factory):
    return build_vsix.build(tmp_path_factory.mktemp("vsix"))


def test_name_and_layout(vsix):
    """kasu-<version>.vsix with [Content_Types].xml, extension.vsixmanifest and extension/… only."""
    package = json.loads((build_vsix.SOURCE / "package.json").read_text(encoding="utf-8"))
    assert vsix.name == f"kasu-{package['version']}.vsix" == "kasu-0.3.0.vsix"
    names = zipfile.ZipFile(vsix).namelist()
    assert names[:2] == ["[Content_Types].xml", "extension.vsixmanifest"]
    assert all(n.startswith("extension/") for n in names[2:])
    assert {"extension/package.json", "extension/extension.js", "extension/syntaxes/kasu.tmLanguage.json",
            "extension/language-configuration.json", "extension/README.md", "extension/LICENSE.txt"} <= set(names)
    assert not any("/test/" in n or n.endswith(".vsix") for n in names)


def test_manifest_fields(vsix):
    """Identity, display name, engine, installation target and assets as vsce writes them."""
    archive = zipfile.ZipFile(vsix)
    root = ET.fromstring(archive.read("extension.vsixmanifest"))
    identity = root.find("v:Metadata/v:Identity", NS)
    assert (identity.get("Id"), identity.get("Version"), identity.get("Publisher")) == ("kasu", "0.3.0", "kasuhara-rules")
    assert "カスハラ" in root.find("v:Metadata/v:DisplayName", NS).text
    props = {p.get("Id"): p.get("Value") for p in root.iterfind("v:Metadata/v:Properties/v:Property", NS)}
    assert props["Microsoft.VisualStudio.Code.Engine"] == "^1.82.0"
    assert root.find("v:Installation/v:InstallationTarget", NS).get("Id") == "Microsoft.VisualStudio.Code"
    assets = {a.get("Type"): a.get("Path") for a in root.iterfind("v:Assets/v:Asset", NS)}
    assert assets["Microsoft.VisualStudio.Code.Manifest"] == "extension/package.json"
    types = {d.get("Extension"): d.get("ContentType") for d in ET.fromstring(archive.read("[Content_Types].xml"))}
    assert types[".vsixmanifest"] == "text/xml" and types[".json"] == "application/json" and ".js" in types


def test_the_check_finds_nothing_wrong_and_notices_a_missing_file(vsix, tmp_path):
    """`--check` passes the built archive and fails one whose grammar was left out."""
    assert build_vsix.check(vsix) == []
    broken = tmp_path / "broken.vsix"
    with zipfile.ZipFile(vsix) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            if not item.filename.endswith("kasu.tmLanguage.json"):
                dst.writestr(item, src.read(item))
    problems = build_vsix.check(broken)
    assert any("kasu.tmLanguage.json" in p for p in problems)


def test_reproducible(vsix, tmp_path):
    """The same sources give the same bytes."""
    assert build_vsix.build(tmp_path).read_bytes() == vsix.read_bytes()


def test_no_npm_dependency():
    """The extension needs nothing from npm at run time (its client is extension.js itself)."""
    package = json.loads((build_vsix.SOURCE / "package.json").read_text(encoding="utf-8"))
    assert not package.get("dependencies")
    assert "require('vscode-languageclient" not in (build_vsix.SOURCE / "extension.js").read_text(encoding="utf-8")
