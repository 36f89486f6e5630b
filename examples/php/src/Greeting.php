<?php

declare(strict_types=1);

namespace App;

final class Greeting
{
    public static function hello(string $who): string
    {
        return "hello from {$who}";
    }
}
