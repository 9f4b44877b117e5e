<?php
// A shop in PHP (8.1 or newer, no extensions beyond json and hash; CRMEB and likeshop are
// PHP): create an order, pay it, refund it, and verify the webhooks that say so.
// Against a demo server:
//
//     zengzhi serve --demo --database sqlite:///demo.db
//     php examples/shop_client.php --api-key=zz1.demo.… --password=…
//
// The order completes when it is paid (the demo's return window is 0), so its refund is a
// reversal (POST /v1/orders/{id}/reverse); the webhooks awaited are order.completed and
// order.reversed. Signatures are checked as docs/integration.md says; the Standard
// Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) are checked instead
// when the server sends them.

declare(strict_types=1);

const TOLERANCE = 300; // seconds a webhook's timestamp may be away from our clock

$args = getopt('', ['url:', 'api-key:', 'tenant:', 'user:', 'password:', 'port:', 'product:', 'wait:']);
$url = $args['url'] ?? 'http://127.0.0.1:8000';
$apiKey = $args['api-key'] ?? '';
$password = $args['password'] ?? '';
$port = (int) ($args['port'] ?? 8767);
$product = $args['product'] ?? 'gift';
$wait = (int) ($args['wait'] ?? 60);
if ($apiKey === '' || $password === '') {
    fwrite(STDERR, "usage: php shop_client.php --api-key=zz1.… --password=… [--url=…]\n");
    exit(2);
}

/** true when the webhook is signed with the subscription's secret and recent */
function verify(string $secret, array $headers, string $body): bool
{
    $now = time();
    if (isset($headers['webhook-signature'])) {
        // Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body", key = whsec_'s bytes
        $id = $headers['webhook-id'] ?? '';
        $timestamp = $headers['webhook-timestamp'] ?? '';
        if (!ctype_digit($timestamp) || abs($now - (int) $timestamp) > TOLERANCE) {
            return false;
        }
        $key = base64_decode(preg_replace('/^whsec_/', '', $secret), true);
        $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", (string) $key, true));
        foreach (explode(' ', $headers['webhook-signature']) as $part) {
            if (str_starts_with($part, 'v1,') && hash_equals($expected, substr($part, 3))) {
                return true;
            }
        }
        return false;
    }
    $timestamp = $headers['x-zengzhi-timestamp'] ?? '';
    $signature = $headers['x-zengzhi-signature'] ?? '';
    if (!ctype_digit($timestamp) || abs($now - (int) $timestamp) > TOLERANCE) {
        return false;
    }
    $expected = 'v1=' . hash_hmac('sha256', "$timestamp.$body", $secret);
    foreach (explode(',', $signature) as $part) {
        if (hash_equals($expected, trim($part))) {
            return true;
        }
    }
    return false;
}

/** One API call; a failure ({code, message, field}) ends the run. */
function call(string $url, string $method, string $path, ?string $token, ?array $body = null): ?array
{
    $headers = ['Accept: application/json'];
    if ($token !== null) {
        $headers[] = "Authorization: Bearer $token";
    }
    if ($body !== null) {
        $headers[] = 'Content-Type: application/json';
    }
    $context = stream_context_create(['http' => [
        'method' => $method,
        'header' => implode("\r\n", $headers),
        'content' => $body === null ? '' : json_encode($body),
        'ignore_errors' => true,
        'timeout' => 30,
    ]]);
    $text = file_get_contents($url . $path, false, $context);
    $status = (int) explode(' ', $http_response_header[0] ?? 'HTTP/1.1 0')[1];
    if ($text === false || $status >= 300) {
        throw new RuntimeException("$method $path: $status $text");
    }
    return $text === '' ? null : json_decode($text, true, 512, JSON_THROW_ON_ERROR);
}

/** The next webhook on the listening socket: [headers (lower-case names), body], or null. */
function receive($server, int $seconds): ?array
{
    $connection = @stream_socket_accept($server, $seconds);
    if ($connection === false) {
        return null;
    }
    $head = '';
    while (!str_contains($head, "\r\n\r\n") && !feof($connection)) {
        $head .= fgets($connection);
    }
    $headers = [];
    foreach (array_slice(explode("\r\n", trim($head)), 1) as $line) {
        [$name, $value] = array_map('trim', explode(':', $line, 2)) + [1 => ''];
        $headers[strtolower($name)] = $value;
    }
    $length = (int) ($headers['content-length'] ?? 0);
    $body = '';
    while (strlen($body) < $length && !feof($connection)) {
        $body .= fread($connection, $length - strlen($body));
    }
    return [$headers, $body, $connection];
}

$server = stream_socket_server("tcp://127.0.0.1:$port", $errno, $error);
if ($server === false) {
    fwrite(STDERR, "cannot listen on $port: $error\n");
    exit(1);
}
$session = call($url, 'POST', '/v1/auth/login', null, [
    'tenant' => $args['tenant'] ?? 'demo',
    'username' => $args['user'] ?? 'owner',
    'password' => $password,
]);
$hook = call($url, 'POST', '/v1/webhooks', $session['token'], [
    'url' => "http://127.0.0.1:$port/zengzhi",
    'event_types' => ['order.*'],
]);
$secret = $hook['secret']; // shown once: a real shop keeps it in its settings

$code = 1;
try {
    $run = bin2hex(random_bytes(3));
    $member = "php-$run";
    $order = "php-$run-order";
    call($url, 'POST', '/v1/members', $apiKey, ['id' => $member, 'name' => $member]);
    $new = ['id' => $order, 'member' => $member, 'product' => $product];
    $created = call($url, 'POST', '/v1/orders', $apiKey, $new);
    $again = call($url, 'POST', '/v1/orders', $apiKey, $new); // as after a timeout
    if ($again != $created) {
        throw new RuntimeException('the same order twice gave two answers');
    }
    $paid = call($url, 'POST', "/v1/orders/$order/pay", $apiKey);
    $refunded = call($url, 'POST', "/v1/orders/$order/reverse", $apiKey);
    echo "order $order: {$created['status']} → {$paid['status']} → {$refunded['status']}\n";

    $wanted = ['order.completed', 'order.reversed'];
    $types = [];
    $refused = 0;
    $deadline = time() + $wait;
    while (array_diff($wanted, $types) && time() < $deadline) {
        $webhook = receive($server, max(1, $deadline - time()));
        if ($webhook === null) {
            break;
        }
        [$headers, $body, $connection] = $webhook;
        $good = verify($secret, $headers, $body);
        fwrite($connection, $good ? "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
            : "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        fclose($connection);
        if (!$good) {
            $refused++;
            continue;
        }
        $event = json_decode($body, true, 512, JSON_THROW_ON_ERROR);
        if (str_contains($body, $order)) {
            $types[] = $event['type'];
        }
    }
    echo 'webhooks verified: ' . implode(', ', $types) . "; refused: $refused\n";
    $code = !array_diff($wanted, $types) && $refused === 0 ? 0 : 1;
} finally {
    call($url, 'DELETE', "/v1/webhooks/{$hook['id']}", $session['token']);
    fclose($server);
}
exit($code);
