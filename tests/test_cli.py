"""End-to-end: the warta command on a small archive written by the tests."""
from search.cli import main


def test_index_then_search_finds_inflected_form(runner, articles_file, tmp_path):
    index_dir = tmp_path / "ix"
    result = runner.invoke(main, ["index", str(articles_file), "--index", str(index_dir), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "indexed 3" in result.output
    result = runner.invoke(main, ["search", "senjata", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "senjata-polisi" in result.output


def test_search_without_index_says_how_to_build_one(runner, tmp_path):
    result = runner.invoke(main, ["search", "banjir", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "warta index" in result.output
    assert "Traceback" not in result.output


def test_every_command_has_help(runner):
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help, f"{name} has no help text"


def test_search_command_filters_marks_and_prints_json(runner, built_index):
    import json

    result = runner.invoke(main, ["search", "tembak", "--index", str(built_index), "--source", "kompas",
                                  "--from", "2017", "--to", "2017-12-31", "--sort", "newest", "--per-page", "5"])
    assert result.exit_code == 0, result.output
    assert "kebakaran-riau" in result.output and "menembakkan" in result.output and "<mark>" not in result.output
    result = runner.invoke(main, ["search", "banjir", "--index", str(built_index), "--json", "--page", "1"])
    data = json.loads(result.output)
    assert data["total"] == 1 and data["hits"][0]["id"] == "banjir-bekasi"
    assert "<mark>Banjir</mark>" in data["hits"][0]["title_html"]


def test_search_command_shows_invalid_query_as_a_message(runner, built_index):
    result = runner.invoke(main, ["search", "banjir date:xyz", "--index", str(built_index)])
    assert result.exit_code == 1
    assert "date:2017" in result.output and "Traceback" not in result.output
