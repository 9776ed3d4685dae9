# make bench runs every benchmark (bench/run.sh) and refreshes
# docs/benchmarks.md; make test runs what CI runs after installing its tools.
.PHONY: bench test

bench:
	bash bench/run.sh

test:
	go test ./...
