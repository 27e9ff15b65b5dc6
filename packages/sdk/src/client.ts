/** `Client`: one lakeFS server and how to reach it; the default client used when none is given. */
import { HttpClient, type HttpClientOptions } from "./api/http.js";

export type ClientOptions = Partial<HttpClientOptions>;

/** A connection to one lakeFS server. Cheap to create; nothing is sent until a call is made. */
export class Client {
  private httpClient: HttpClient | undefined;

  constructor(private readonly options: ClientOptions = {}) {}

  /**
   * The HTTP layer for this server. Throws `ConfigurationError` when no endpoint or credentials
   * can be resolved; resolution is retried on the next access after a failure.
   */
  get http(): HttpClient {
    this.httpClient ??= new HttpClient({ ...this.options, endpoint: this.options.endpoint ?? "" });
    return this.httpClient;
  }
}
