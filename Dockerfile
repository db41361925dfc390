# The one catalyst binary, built without cgo, on a minimal non-root image.
FROM golang:1.27.3-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/catalyst ./cmd/catalyst

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/catalyst /catalyst
USER nonroot:nonroot
EXPOSE 8080 8081
ENTRYPOINT ["/catalyst"]
CMD ["api"]
