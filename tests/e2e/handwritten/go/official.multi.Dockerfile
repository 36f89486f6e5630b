FROM golang:1.19 AS builder
WORKDIR /src
COPY go.mod go.sum* ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server .

FROM scratch
WORKDIR /app
COPY --from=builder /out/server /app/server
USER 10001:10001
EXPOSE 8080
CMD ["/app/server"]
