var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/", () => $"hello from {app.Configuration["Greeting:Who"] ?? "dotnet"}\n");

app.Run();
