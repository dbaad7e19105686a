# The schema job of deploy/compose.yaml: the server's own SQL tool and schema files, built from
# the Temporal server module at the version of the server image (and of caseflow's CI).
FROM golang:1.26.8-bookworm AS build
RUN CGO_ENABLED=0 GOBIN=/out go install go.temporal.io/server/cmd/tools/sql@v1.32.0 \
 && cp -r "$(go env GOMODCACHE)/go.temporal.io/server@v1.32.0/schema/postgresql" /out/schema

FROM debian:bookworm-slim
COPY --from=build /out/sql /usr/local/bin/temporal-sql-tool
COPY --from=build /out/schema /etc/temporal/schema/postgresql
COPY deploy/temporal/setup-schema.sh /usr/local/bin/setup-schema
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/setup-schema"]
