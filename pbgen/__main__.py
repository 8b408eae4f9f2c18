from pbgen.cli import app

app(prog_name="pbgen")
