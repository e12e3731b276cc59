/**
 * The Python wrapper a worker process runs: Open Runtimes' v4 `server.py` context (as Appwrite 1.5's python-*
 * runtimes give it: `context.req.body_raw`, `context.res.json(...)`, `def main(context)`) over a line-delimited
 * JSON channel on fd 3. The executor writes this text to a file once and starts `python3 <file>`.
 */
export const PYTHON_RUNTIME = String.raw`import asyncio, importlib.util, io, json, os, socket, sys, traceback

try:
    import resource
    limit = int(os.environ.get('OPEN_RUNTIMES_MEMORY', '0') or '0')
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except Exception:
    pass

sock = socket.socket(fileno=3)
channel = sock.makefile('rwb')
loaded = {}


def stringify(value):
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value, separators=(',', ':'))
        except Exception:
            return str(value)
    return str(value)


class Request:
    pass


class Response:
    def send(self, body, statusCode=200, headers=None):
        return {'body': body, 'statusCode': statusCode, 'headers': dict(headers or {})}

    def json(self, obj, statusCode=200, headers=None):
        headers = dict(headers or {})
        headers['content-type'] = 'application/json'
        return self.send(json.dumps(obj, separators=(',', ':')), statusCode, headers)

    def empty(self):
        return self.send('', 204, {})

    def redirect(self, url, statusCode=301, headers=None):
        headers = dict(headers or {})
        headers['location'] = url
        return self.send('', statusCode, headers)


class Context:
    def __init__(self):
        self.req = Request()
        self.res = Response()
        self._logs = []
        self._errors = []

    def log(self, *messages):
        self._logs.append(' '.join(stringify(m) for m in messages))

    def error(self, *messages):
        self._errors.append(' '.join(stringify(m) for m in messages))


def load(entrypoint):
    if entrypoint in loaded:
        return loaded[entrypoint]
    if not os.path.isfile(entrypoint):
        raise FileNotFoundError('Code file not found: ' + os.path.relpath(entrypoint))
    folder = os.path.dirname(entrypoint)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location('main', entrypoint)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, 'main', None)):
        raise Exception('User function is not valid.')
    loaded[entrypoint] = module.main
    return module.main


def handle(req):
    context = Context()
    headers = {}
    for name, value in req['headers'].items():
        if not name.lower().startswith('x-open-runtimes-'):
            headers[name.lower()] = value
    content_type = headers.get('content-type', 'text/plain')
    body_raw = req['body']
    scheme = headers.get('x-forwarded-proto', 'http')
    default_port = '443' if scheme == 'https' else '80'
    host_header = headers.get('host', 'localhost:3000')
    host = host_header.split(':')[0]
    port = int(host_header.split(':')[1]) if ':' in host_header else int(default_port)
    full = req['path']
    path, _, query_string = full.partition('?')
    query = {}
    for param in query_string.split('&'):
        key, _, value = param.partition('=')
        if key:
            query[key] = value
    url = scheme + '://' + host + ('' if str(port) == default_port else ':' + str(port)) + path + ('?' + query_string if query_string else '')
    r = context.req
    r.body_raw = body_raw
    r.body = body_raw
    r.headers = headers
    r.method = req['method']
    r.host = host
    r.scheme = scheme
    r.port = port
    r.path = path
    r.query = query
    r.query_string = query_string
    r.url = url
    stdout, stderr = sys.stdout, sys.stderr
    captured = io.StringIO()
    sys.stdout = sys.stderr = captured
    output = None
    try:
        if 'application/json' in content_type:
            r.body = json.loads(body_raw) if body_raw else {}
        main = load(req['entrypoint'])
        output = main(context)
        if asyncio.iscoroutine(output):
            output = asyncio.run(output)
    except FileNotFoundError as e:
        context.error(str(e))
        output = context.res.send('', 500, {})
    except BaseException:
        context.error(traceback.format_exc())
        output = context.res.send('', 500, {})
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    if not isinstance(output, dict):
        context.error('Return statement missing. return context.res.empty() if no response is expected.')
        output = context.res.send('', 500, {})
    native = captured.getvalue()
    if native:
        context.log('')
        context.log('----------------------------------------------------------------------------')
        context.log('Unsupported logs detected. Use context.log() or context.error() for logging.')
        context.log('----------------------------------------------------------------------------')
        context.log(native.rstrip('\n'))
        context.log('----------------------------------------------------------------------------')
    body = output.get('body', '')
    if body is None:
        body = ''
    if isinstance(body, (bytes, bytearray)):
        body = body.decode('utf-8', 'replace')
    elif not isinstance(body, str):
        body = json.dumps(body) if isinstance(body, (dict, list)) else str(body)
    out_headers = {}
    for name, value in (output.get('headers') or {}).items():
        if not str(name).lower().startswith('x-open-runtimes-'):
            out_headers[str(name).lower()] = str(value)
    try:
        status = int(output.get('statusCode', 200))
    except Exception:
        status = 200
    return {'statusCode': status, 'body': body, 'headers': out_headers, 'logs': '\n'.join(context._logs), 'errors': '\n'.join(context._errors)}


for line in channel:
    req = json.loads(line)
    os.environ.clear()
    os.environ.update(req['env'])
    try:
        result = handle(req)
    except BaseException:
        result = {'statusCode': 500, 'body': '', 'headers': {}, 'logs': '', 'errors': traceback.format_exc()}
    result['id'] = req['id']
    channel.write((json.dumps(result) + '\n').encode('utf-8'))
    channel.flush()
`
