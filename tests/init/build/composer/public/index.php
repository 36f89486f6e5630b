<?php
require __DIR__ . '/../vendor/autoload.php';

echo \Guestbook\Book::title();
