<?php

declare(strict_types=1);

require __DIR__ . '/../vendor/autoload.php';

header('Content-Type: text/plain');
echo App\Greeting::hello('php ' . PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION), "\n";
