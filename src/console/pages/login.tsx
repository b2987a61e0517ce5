import { Layout, type PageContext } from './layout.js';

export function LoginPage(props: { page: PageContext; error?: string | undefined; user?: string | undefined }) {
  return (
    <Layout title="Log in" path="/login" page={props.page}>
      <div class="login card">
        <h1>Log in</h1>
        {props.error ? (
          <p class="flash t-bad" role="alert">
            {props.error}
          </p>
        ) : null}
        <form method="post" action="/login">
          <label for="user">User</label>
          <input id="user" name="user" autocomplete="username" required value={props.user ?? ''} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <p>
            <button type="submit" class="primary">
              Log in
            </button>
          </p>
        </form>
      </div>
    </Layout>
  );
}
