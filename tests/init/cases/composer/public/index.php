<?php
echo "guestbook fixture\n";
