# make bench: the benchmark report (docs/benchmarks.md and .json), against the embedded
# Temporal server and the Redis of REDIS_URL (a local redis-server is started when none is set
# and one is installed; otherwise the in-process Redis is used).
.PHONY: bench bench-quick lint test

bench:
	./dev/with-redis go run ./cmd/caseflow bench --out docs/benchmarks

bench-quick:
	./dev/with-redis go run ./cmd/caseflow bench --quick --out /tmp/caseflow-bench-quick

test:
	go test ./...

# make lint: gofmt, go vet, staticcheck (every check), workflowcheck and go mod tidy -diff; see
# dev/lint for the pinned versions, staticcheck.conf and workflowcheck.config.yaml for the
# exceptions and why.
lint:
	./dev/lint
