plugins {
    application
}

version = "1.0.0"

java {
    toolchain {
        languageVersion.set(JavaLanguageVersion.of(17))
    }
}

application {
    mainClass.set("example.Server")
}

tasks.jar {
    manifest {
        attributes("Main-Class" to "example.Server")
    }
}
