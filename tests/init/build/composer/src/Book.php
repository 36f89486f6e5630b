<?php
namespace Guestbook;

final class Book
{
    public static function title(): string
    {
        return "guestbook\n";
    }
}
