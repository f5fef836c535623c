from authdoctor.cli.main import run

run()
