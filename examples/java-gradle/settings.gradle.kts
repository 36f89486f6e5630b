rootProject.name = "hello-server"
