var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "dotnet sample fixture");
app.Run();
